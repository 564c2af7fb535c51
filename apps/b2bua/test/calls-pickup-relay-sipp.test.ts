import { redisKeys } from '@switchboard/live-state';
import { NgClient, type NgQueryResult } from '@switchboard/rtpengine';
import { SystemClock } from '@switchboard/transactions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { enableExtensionsPlugin, startSipp, type SippProcess } from './support/calls-harness.js';
import { untilRinging } from './support/ringing-lamps.js';
import { callSuite, expectPassed, type SippResult } from './support/call-runner.js';
import { freeUdpPort } from './support/sip-test-kit.js';
import { rtpengineAvailable, relayEnv, testRtpengine, type TestRtpengine } from './support/test-rtpengine.js';

/**
 * Call pickup on a relay-mode PBX (issue #19): 100 rings 201 (its media through rtpengine), 203
 * picks the call up with `*8` or `**201`. The picker's leg is relayed too: the SDP each phone gets
 * carries rtpengine's ports and never the other phone's, the rung branch leaves rtpengine (only the
 * caller's and the picker's tags remain), and the picker's RTP, echoed by the caller, crosses
 * rtpengine both ways.
 */
const env: Record<string, string> = {};
let rtpengine: TestRtpengine | undefined;

beforeAll(async () => {
  if (!rtpengineAvailable) return;
  rtpengine = await testRtpengine({ min: 46800, max: 46899 });
  Object.assign(env, relayEnv(rtpengine));
}, 20_000);
afterAll(async () => {
  await rtpengine?.stop();
});

// Filled by the hook above, which runs before the harness starts (hooks run in order).
const suite = callSuite(env, async (s) => {
  await s.addExtension('203', 'pw-203');
  await s.prisma.extension.updateMany({
    where: { number: { in: ['201', '203'] } },
    data: { pickupGroups: ['sales'] },
  });
  await enableExtensionsPlugin(s, 10);
});
const evenPort = async (): Promise<number> => (await freeUdpPort()) & ~1;

/** Media ports of the SDP bodies in a sipp's message trace (its own and the ones it received). */
function mediaPorts(r: SippResult): number[] {
  return [...r.messages.matchAll(/^\s*m=audio (\d+) /gm)].map((m) => Number(m[1]));
}

function inRelayRange(port: number): boolean {
  return rtpengine !== undefined && port >= rtpengine.portMin && port <= rtpengine.portMax;
}

/** `extension` (credentials pw-<ext>) sends `scenario` to `dialled` from media port `mediaPort`. */
function uac(
  scenario: string,
  extension: string,
  dialled: string,
  extra: string[],
  files: Record<string, Uint8Array> = {},
): Promise<SippProcess> {
  const { h } = suite;
  return startSipp(
    scenario,
    ['-s', dialled, '-au', extension, '-ap', `pw-${extension}`, '-key', 'domain', h.domain]
      .concat(['-key', 'caller', extension, '-mi', '127.0.0.1'])
      .concat(extra),
    { host: '127.0.0.1', port: h.port },
    `sip:${dialled}@${h.domain}`,
    files,
  );
}

interface TagUse {
  /** RTP packets rtpengine received from this party. */
  readonly packets: number;
  /** rtpengine's ports for it (none once its leg was deleted). */
  readonly ports: number;
}

/** What rtpengine holds per tag of the one live call, once two tags sent 50 RTP packets (1 s). */
async function usePerTag(): Promise<Map<string, TagUse>> {
  const [id] = await suite.h.redis.zrange(redisKeys.calls, 0, -1);
  const ng = new NgClient({ address: rtpengine!.address, port: rtpengine!.ngPort, clock: new SystemClock() });
  const use = (q: NgQueryResult) =>
    new Map(
      [...q.tags].map(([tag, medias]) => {
        const streams = medias.flatMap((m) => m.streams);
        const packets = streams.reduce((n, st) => n + st.stats.packets, 0);
        return [tag, { packets, ports: streams.filter((st) => st.localPort > 0).length }];
      }),
    );
  let last = new Map<string, TagUse>();
  try {
    await expect
      .poll(
        async () => {
          last = use(await ng.query({ callId: id! }));
          return [...last.values()].filter((t) => t.packets >= 50).length;
        },
        { timeout: 6000, interval: 200 },
      )
      .toBeGreaterThanOrEqual(2);
  } finally {
    ng.close();
  }
  return last;
}

describe.skipIf(!rtpengineAvailable)('call pickup with media mode relay (sipp + rtpengine)', () => {
  for (const code of ['**201', '*8'])
    it(`203 dials ${code} while 100 rings 201: both phones get rtpengine's ports, never each other's; audio crosses rtpengine`, async () => {
      const rung = await startSipp('call-uas-ring-elsewhere.xml', []);
      await suite.h.bind('201', rung.port);
      const callerPort = await evenPort();
      const calling = await uac('call-uac-callee-hangup.xml', '100', '201', [
        '-mp',
        String(callerPort),
        '-rtp_echo',
      ]);
      await untilRinging(suite.h.redis, '201');
      const pickerPort = await evenPort();
      const talk = new RtpScript(7).tone(2000, 440, 12000).toPcap();
      const picker = await uac('rec-uac-talk.xml', '203', code, ['-mp', String(pickerPort)], {
        'talk.pcap': talk,
      });
      const tags = await usePerTag();
      const pickerResult = await picker.done;
      const callerResult = await calling.done;
      expectPassed(pickerResult);
      expectPassed(callerResult);
      expectPassed(await rung.done);
      // Each trace: the phone's own SDP, and the one it got from the PBX with rtpengine's port.
      for (const [r, own, other] of [
        [callerResult, callerPort, pickerPort],
        [pickerResult, pickerPort, callerPort],
      ] as const) {
        const ports = mediaPorts(r);
        expect(ports.filter((p) => p !== own).length, r.messages).toBeGreaterThan(0);
        expect(ports.filter((p) => p !== own).every(inRelayRange), r.messages).toBe(true);
        expect(ports).not.toContain(other);
      }
      // rtpengine: ports for the caller and the picker only (201's branch was deleted), and each
      // sent it a second of RTP (the picker's tone, and the caller's echo of it through rtpengine).
      const holding = [...tags].filter(([, t]) => t.ports > 0);
      const shown = JSON.stringify([...tags]);
      expect(
        holding.map(([tag]) => tag),
        shown,
      ).toHaveLength(2);
      expect(
        holding.map(([tag]) => tag),
        shown,
      ).toContain('caller');
      for (const [, t] of holding) expect(t.packets, shown).toBeGreaterThanOrEqual(50);
      await expect
        .poll(() => suite.h.prisma.callRecord.count({ where: { calleeNumber: '201' } }), { timeout: 10_000 })
        .toBe(1);
      await suite.h.prisma.callRecord.deleteMany();
      await suite.run.expectNoLiveCalls();
    });
});
