import type { Clock } from '@switchboard/transactions';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { NgClient } from '@switchboard/rtpengine';
import type { MediaAnchorDeps } from './call-media.js';

/**
 * The media relay of the signalling process: an ng client of the configured rtpengine unless the
 * mode is `direct`. An rtpengine that does not answer at start-up is logged, not fatal: calls then
 * fall back to direct media one by one (each logged) until it answers.
 */
export function createMediaAnchor(
  config: SwitchboardConfig,
  clock: Clock,
  logger: Logger,
): MediaAnchorDeps & { close(): void } {
  const { mode, rtpengine } = config.media;
  const client =
    mode === 'direct'
      ? undefined
      : new NgClient({
          address: rtpengine.address,
          port: rtpengine.ngPort,
          clock,
          timeoutMs: rtpengine.timeoutMs,
          onStray: (reason) => logger.debug({ reason }, 'rtpengine stray answer'),
        });
  client?.ping().then(
    () => logger.info({ mode, rtpengine: `${rtpengine.address}:${rtpengine.ngPort}` }, 'media relay ready'),
    (err: unknown) =>
      logger.warn({ err, mode }, 'rtpengine does not answer: calls fall back to direct media until it does'),
  );
  return {
    mode,
    client,
    hasExternalInterface: rtpengine.external !== undefined,
    logger,
    close: () => client?.close(),
  };
}
