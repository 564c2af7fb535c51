import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { redisKeys } from '@switchboard/live-state';
import {
  NgClient,
  rtpengineInstalled,
  startRtpengine,
  type NgQueryResult,
  type RtpengineProcess,
} from '@switchboard/rtpengine';
import { SystemClock } from '@switchboard/transactions';
import type { Redis } from 'ioredis';
import { expect, vi } from 'vitest';

export interface TestRtpengine {
  readonly address: string;
  readonly ngPort: number;
  readonly portMin: number;
  readonly portMax: number;
  /** Where it writes the pcaps of recorded calls (`--recording-dir`). */
  readonly recordingDir: string;
  stop(): Promise<void>;
}

export const rtpengineAvailable =
  rtpengineInstalled() || process.env.SWITCHBOARD_TEST_RTPENGINE !== undefined;

/**
 * The rtpengine a relay-mode test uses: the one `npm test` started (SWITCHBOARD_TEST_RTPENGINE =
 * `address:ngPort:portMin-portMax`), or one of its own on loopback when run alone. `dtmfLogPort`:
 * always its own, reporting each RFC 4733 event to 127.0.0.1:dtmfLogPort (--dtmf-log-dest; one
 * destination per rtpengine, so the shared one reports to nobody).
 */
export async function testRtpengine(
  ownPorts: { min: number; max: number },
  dtmfLogPort?: number,
): Promise<TestRtpengine> {
  const shared = /^([0-9.]+):(\d+):(\d+)-(\d+)$/.exec(process.env.SWITCHBOARD_TEST_RTPENGINE ?? '');
  if (shared && dtmfLogPort === undefined) {
    return {
      address: shared[1]!,
      ngPort: Number(shared[2]),
      portMin: Number(shared[3]),
      portMax: Number(shared[4]),
      recordingDir: process.env.SWITCHBOARD_TEST_RTPENGINE_RECORDING_DIR ?? '',
      stop: () => Promise.resolve(),
    };
  }
  const recordingDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rtpengine-rec-'));
  const own: RtpengineProcess = await startRtpengine({
    interfaces: ['127.0.0.1'],
    portMin: ownPorts.min,
    portMax: ownPorts.max,
    recordingDir,
    ...(dtmfLogPort === undefined ? {} : { dtmfLogDest: `127.0.0.1:${dtmfLogPort}` }),
  });
  return {
    address: own.address,
    ngPort: own.ngPort,
    portMin: ownPorts.min,
    portMax: ownPorts.max,
    recordingDir,
    stop: async () => {
      await own.stop();
      fs.rmSync(recordingDir, { recursive: true, force: true });
    },
  };
}

/** The settings that make a test harness relay every call through `r`. */
export function relayEnv(r: TestRtpengine): Record<string, string> {
  return {
    SWITCHBOARD_MEDIA_MODE: 'relay',
    SWITCHBOARD_RTPENGINE_ADDRESS: r.address,
    SWITCHBOARD_RTPENGINE_NG_PORT: String(r.ngPort),
    SWITCHBOARD_RTPENGINE_TIMEOUT_MS: '500',
    ...(r.recordingDir ? { SWITCHBOARD_RTPENGINE_RECORDING_DIR: r.recordingDir } : {}),
  };
}

/**
 * RTP packets rtpengine received from each party of the one live call, once two parties sent 50
 * (1 s) or after 6 s; the caller's assertion reports the counts.
 */
export async function relayedPacketsPerParty(
  redis: Redis,
  relay: { readonly address: string; readonly ngPort: number },
): Promise<number[]> {
  const [id] = await redis.zrange(redisKeys.calls, 0, -1);
  const ng = new NgClient({ address: relay.address, port: relay.ngPort, clock: new SystemClock() });
  const perTag = (q: NgQueryResult): number[] =>
    [...q.tags.values()].map((medias) =>
      medias.reduce((n, m) => n + m.streams.reduce((k, st) => k + st.stats.packets, 0), 0),
    );
  let last: number[] = [];
  try {
    await vi.waitFor(
      async () => {
        last = perTag(await ng.query({ callId: id! }));
        expect(last.filter((n) => n >= 50).length).toBeGreaterThanOrEqual(2);
      },
      { timeout: 6000, interval: 200 },
    );
  } catch {
    // The caller's assertion shows `last`.
  } finally {
    ng.close();
  }
  return last;
}
