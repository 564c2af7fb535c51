import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toneAmplitude, ulawDecode, type CapturedDatagram } from '@switchboard/media';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import { Redis } from 'ioredis';
import {
  bindContact,
  type CallsHarness,
  killAllSipp,
  seedExtensions,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { rtpOf, type RtpSeen } from './support/captured-rtp.js';
import { LoopbackCapture } from './support/loopback-capture.js';
import { freeUdpPort } from './support/sip-test-kit.js';

/**
 * Three-way calling by feature code through the running B2BUA: 101 calls 102 (extensions plugin),
 * then types `*3 103 #` as SIP INFO digits. The PBX moves both into an ad-hoc room (re-INVITE
 * without SDP each), calls 103 through the plugins, and 103 joins when it answers. Each phone plays
 * its own tone; the RTP the PBX sends is captured on loopback and checked with Goertzel.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-3way-data-'));
const rtpBase = 30_000 + 2 * Math.floor(Math.random() * 5000);
const TONE_HZ = { '101': 500, '102': 1100, '103': 1700 } as const;
const SSRC = { '101': 0x101, '102': 0x102, '103': 0x103 } as const;
type Ext = keyof typeof SSRC;
let h: CallsHarness;
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS: '@switchboard/plugin-extensions',
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(15),
      SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
      SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 99),
    },
    seedExtensions(['101', '102', '103']),
  );
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const isPbx = (port: number): boolean => port >= rtpBase && port <= rtpBase + 99;

/** What phone `ext` sent to the PBX's room. */
function sentBy(rtp: readonly RtpSeen[], ext: Ext): RtpSeen[] {
  return rtp.filter(({ d, p }) => p.ssrc === SSRC[ext] && isPbx(d.destination.port));
}

/** The room's audio the PBX sent to phone `ext` between capture times `fromMs` and `toMs`. */
function heardBy(rtp: readonly RtpSeen[], ext: Ext, fromMs: number, toMs: number): Int16Array {
  const pbxPort = sentBy(rtp, ext)[0]?.d.destination.port;
  expect(pbxPort, `the PBX received ${ext}'s RTP`).toBeDefined();
  const sent = rtp.filter(
    ({ d, p }) => d.source.port === pbxPort && p.payloadType === 0 && d.timeMs >= fromMs && d.timeMs < toMs,
  );
  const out = new Int16Array(sent.length * 160);
  sent.forEach(({ p }, i) => out.set(ulawDecode(p.payload).subarray(0, 160), i * 160));
  return out;
}

function tone(ext: Ext, ms: number): Uint8Array {
  return new RtpScript(SSRC[ext]).tone(ms, TONE_HZ[ext]).toPcap();
}

describe('three-way calling by feature code (sipp phones)', () => {
  it('*3 103 # by SIP INFO: 101, 102 and 103 hear each other; after 103 hangs up 101 and 102 stay; then the room ends', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${rtpBase}-${rtpBase + 99}`);
    let datagrams: CapturedDatagram[] = [];
    const mediaArgs = async (): Promise<string[]> => [
      '-mi',
      '127.0.0.1',
      '-mp',
      String((await freeUdpPort()) & ~1),
    ];
    try {
      const other = await startSipp('threeway-uas-other.xml', await mediaArgs(), undefined, undefined, {
        'talk.pcap': tone('102', 7000),
      });
      const third = await startSipp(
        'threeway-uas-third.xml',
        [...(await mediaArgs()), '-d', '3000'],
        undefined,
        undefined,
        { 'talk.pcap': tone('103', 3000) },
      );
      // The PBX's registrations are in its own Redis database (isolatedRedisUrl).
      const redis = new Redis(isolatedRedisUrl(15));
      try {
        await bindContact({ ...h, redis }, '102', other.port);
        await bindContact({ ...h, redis }, '103', third.port);
      } finally {
        redis.disconnect();
      }
      const adder = await runVoicemailCaller({
        scenario: 'threeway-uac-adder.xml',
        target: { host: '127.0.0.1', port: h.port },
        domain: h.domain,
        caller: { extension: '101', password: 'pw-101' },
        dialled: '102',
        script: new RtpScript(SSRC['101']).tone(6000, TONE_HZ['101']),
        pauseMs: 6000,
      });
      const [o, t] = await Promise.all([other.done, third.done]);
      expect(o.code, o.output).toBe(0); // the PBX hung up 102 when 101 left it alone
      expect(adder.code, adder.output).toBe(0);
      expect(t.code, t.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    const rtp = rtpOf(datagrams);
    const thirdRtp = sentBy(rtp, '103');
    const [thirdIn, thirdOut] = [thirdRtp[0]?.d.timeMs ?? 0, thirdRtp.at(-1)?.d.timeMs ?? 0];
    expect(thirdOut - thirdIn, '103 talked in the room').toBeGreaterThan(2000);

    // While the three are in the room: each hears the other two, never itself.
    const window = [thirdIn + 300, thirdOut - 100] as const;
    const heard = (ext: Ext): Int16Array => heardBy(rtp, ext, ...window);
    for (const ext of ['101', '102', '103'] as const) {
      const audio = heard(ext);
      expect(audio.length, `${ext} was sent the mix`).toBeGreaterThan(50 * 160);
      for (const from of ['101', '102', '103'] as const) {
        const level = toneAmplitude(audio, TONE_HZ[from]);
        if (from === ext) expect(level, `${ext} does not hear itself`).toBeLessThan(0.01);
        else expect(level, `${ext} hears ${from}`).toBeGreaterThan(0.05);
      }
    }
    // 103 gone: 101 and 102 still hear each other.
    const after = heardBy(rtp, '101', thirdOut + 300, thirdOut + 1500);
    expect(after.length).toBeGreaterThan(40 * 160);
    expect(toneAmplitude(after, TONE_HZ['102'])).toBeGreaterThan(0.05);
    expect(toneAmplitude(after, TONE_HZ['103'])).toBeLessThan(0.01);

    const record = await vi.waitFor(
      async () => {
        const row = await h.prisma.callRecord.findFirst({ where: { callerNumber: '101' } });
        if (!row) throw new Error('no call record yet');
        return row;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(record).toMatchObject({
      calleeNumber: '102',
      disposition: 'answered',
      answeredBy: '102',
      hangupSide: 'caller',
      hangupCause: 'three-way: 101 hangup',
    });
    expect(JSON.stringify(record.legs)).toContain('103');
  });
});
