import type { Clock } from '@switchboard/transactions';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { NgClient } from '@switchboard/rtpengine';
import type { ProcessMetrics } from '@switchboard/metrics';
import type { MediaAnchorDeps } from './call-media.js';
import type { RecordingDeps } from './call-recording.js';
import { MediaMetrics } from './media-metrics.js';
import { pollInterval } from './media-watchdog.js';
import { RelayHealth } from './relay-health.js';

/**
 * The media relay of the signalling process: an ng client of the configured rtpengine. An
 * rtpengine that does not answer at start-up is logged, not fatal: new calls get
 * SWITCHBOARD_MEDIA_FALLBACK until a probe `ping` is answered. In mode `direct` only extensions
 * whose own mode is relay/auto or whose SRTP policy needs the relay use it, so it is not pinged
 * at start-up (a PBX without rtpengine logs nothing until such a call).
 */
export function createMediaAnchor(
  config: SwitchboardConfig,
  clock: Clock,
  logger: Logger,
  /** Call recording (absent: none; no recording without rtpengine either). */
  recording?: RecordingDeps,
  processMetrics?: ProcessMetrics,
): MediaAnchorDeps & { close(): void } {
  const { mode, rtpengine, fallback, timeoutSeconds } = config.media;
  const client = new NgClient({
    address: rtpengine.address,
    port: rtpengine.ngPort,
    clock,
    timeoutMs: rtpengine.timeoutMs,
    onStray: (reason) => logger.debug({ reason }, 'rtpengine stray answer'),
    onSettled: (command, result, ms) => metrics?.ngCommand(command, result, ms),
  });
  const health = new RelayHealth(client, clock, logger);
  // Registered in every mode, so the series exist (at zero) for dashboards even without rtpengine.
  const metrics = processMetrics ? new MediaMetrics(processMetrics, () => health.up) : undefined;
  if (mode !== 'direct') {
    client.ping().then(
      () => logger.info({ mode, rtpengine: `${rtpengine.address}:${rtpengine.ngPort}` }, 'media relay ready'),
      (err: unknown) => health.failed(err),
    );
  }
  const timeoutMs = timeoutSeconds * 1000;
  return {
    mode,
    client,
    hasExternalInterface: rtpengine.external !== undefined,
    logger,
    fallback,
    health,
    watch: { clock, timing: { timeoutMs, pollMs: pollInterval(timeoutMs) } },
    // Recording needs relayed media: none in global mode `direct`.
    ...(recording && mode !== 'direct' ? { recording } : {}),
    ...(metrics ? { metrics } : {}),
    close: () => {
      health.close();
      client.close();
    },
  };
}
