import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { toneAmplitude, ulawDecode, type CapturedDatagram } from '@switchboard/media';
import { redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import { type CallsHarness, killAllSipp, startCalls } from './support/calls-harness.js';
import { rtpOf, type RtpSeen } from './support/captured-rtp.js';
import { LoopbackCapture } from './support/loopback-capture.js';

/**
 * Conference rooms through the running B2BUA: the conference plugin routes a room number to
 * conference(room), the B2BUA answers and mixes. Three sipp phones dial room 800 at once, each
 * playing its own tone from a pcap; the RTP the PBX sends to one of them is captured on loopback and
 * must carry the other two tones and not its own (Goertzel). Room 801 has a PIN.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-conf-data-'));
const rtpBase = 30_000 + 2 * Math.floor(Math.random() * 5000);
const TONE_HZ: Record<string, number> = { '101': 500, '102': 1100, '103': 1700 };
const SSRC: Record<string, number> = { '101': 0x101, '102': 0x102, '103': 0x103 };
let h: CallsHarness;
let testStart = new Date();
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS: '@switchboard/plugin-conference,@switchboard/plugin-extensions',
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(14),
      SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
      SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 99),
      SWITCHBOARD_VOICEMAIL_INPUT_TIMEOUT_SECONDS: '3',
    },
    async (s) => {
      for (const ext of ['101', '102', '103', '104']) await s.addExtension(ext, `pw-${ext}`);
      await s.prisma.conferenceRoom.create({
        data: { number: '800', name: 'All hands', maxParticipants: 3, announceJoin: false },
      });
      await s.prisma.conferenceRoom.create({
        data: { number: '801', name: 'Board', pinHash: await hash('4321') },
      });
    },
  );
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(() => {
  testStart = new Date();
});

const target = () => ({ host: '127.0.0.1', port: h.port });

async function recordsOfThisTest(count: number) {
  return vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({
        where: { startedAt: { gte: testStart } },
        orderBy: { callerNumber: 'asc' },
      });
      if (rows.length !== count) throw new Error(`expected ${count} call records, found ${rows.length}`);
      return rows;
    },
    { timeout: 10_000, interval: 50 },
  );
}

const isPbx = (port: number): boolean => port >= rtpBase && port <= rtpBase + 99;

/** What the phone whose RTP carries `ssrc` sent to the PBX (capture order). */
function sentBy(rtp: readonly RtpSeen[], ssrc: number): RtpSeen[] {
  return rtp.filter(({ d, p }) => p.ssrc === ssrc && isPbx(d.destination.port));
}

/**
 * The audio the PBX sent to the phone whose RTP carries `ssrc` (its session's port, found by what it
 * received), between capture times `fromMs` and `toMs`.
 */
function audioSentTo(rtp: readonly RtpSeen[], ssrc: number, fromMs = 0, toMs = Infinity): Int16Array {
  const pbxPort = sentBy(rtp, ssrc)[0]?.d.destination.port;
  expect(pbxPort, 'the PBX received the phone’s RTP').toBeDefined();
  const sent = rtp.filter(
    ({ d, p }) => d.source.port === pbxPort && p.payloadType === 0 && d.timeMs >= fromMs && d.timeMs < toMs,
  );
  const out = new Int16Array(sent.length * 160);
  sent.forEach(({ p }, i) => out.set(ulawDecode(p.payload).subarray(0, 160), i * 160));
  return out;
}

/** Resolves once `count` calls of the PBX are answered (the live calls in Redis). */
async function answeredCalls(count: number): Promise<void> {
  const redis = new Redis(isolatedRedisUrl(14));
  try {
    await vi.waitFor(
      async () => {
        const ids = await redis.zrange(redisKeys.calls, 0, -1);
        const answered = await Promise.all(ids.map((id) => redis.hexists(redisKeys.call(id), 'answeredAt')));
        if (answered.filter((a) => a === 1).length < count)
          throw new Error(`fewer than ${count} answered calls`);
      },
      { timeout: 10_000, interval: 50 },
    );
  } finally {
    redis.disconnect();
  }
}

function conferenceCaller(extension: string, dialled: string, script: RtpScript, pauseMs: number) {
  return runVoicemailCaller({
    scenario: 'conference-uac-talk.xml',
    target: target(),
    domain: h.domain,
    caller: { extension, password: `pw-${extension}` },
    dialled,
    script,
    pauseMs,
  });
}

function refusedCaller(extension: string, dialled: string) {
  return runVoicemailCaller({
    scenario: 'conference-uac-refused.xml',
    target: target(),
    domain: h.domain,
    caller: { extension, password: `pw-${extension}` },
    dialled,
    script: new RtpScript(),
  });
}

describe('conference room (sipp phones, conference plugin)', () => {
  it('three phones in room 800 hear the other two and not themselves; *6 takes one out of the mix; a fourth is refused 486', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${rtpBase}-${rtpBase + 99}`);
    let datagrams: CapturedDatagram[] = [];
    let fourth: Awaited<ReturnType<typeof refusedCaller>> | undefined;
    try {
      const script = (ext: string): RtpScript =>
        ext === '102'
          ? new RtpScript(SSRC[ext]).tone(2800, TONE_HZ[ext]).digits('*6').tone(2400, TONE_HZ[ext])
          : new RtpScript(SSRC[ext]).tone(5600, TONE_HZ[ext]);
      const talking = Promise.all(
        ['101', '102', '103'].map((ext) => conferenceCaller(ext, '800', script(ext), 6000)),
      );
      // Room 800 holds three: once they are in, a fourth caller is turned away before any answer.
      await answeredCalls(3);
      fourth = await refusedCaller('104', '800');
      for (const run of await talking) expect(run.code, run.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    expect(fourth?.code, fourth?.output).toBe(0);
    expect(fourth?.output).toContain('SIP/2.0 486 Conference Full');

    const rtp = rtpOf(datagrams);
    const allTalking = Math.max(
      ...['101', '102', '103'].map((e) => sentBy(rtp, SSRC[e] ?? 0)[0]?.d.timeMs ?? Infinity),
    );
    const keys = sentBy(rtp, SSRC['102'] ?? 0).filter(({ p }) => p.payloadType === 101);
    const [muteStart, muted] = [keys[0]?.d.timeMs ?? 0, keys.at(-1)?.d.timeMs ?? 0];
    expect(muted - allTalking, '*6 came while the three were talking').toBeGreaterThan(1500);

    const before = audioSentTo(rtp, SSRC['101'] ?? 0, allTalking + 300, muteStart - 100);
    expect(before.length).toBeGreaterThan(50 * 160); // over a second of 20 ms frames
    expect(toneAmplitude(before, 1100)).toBeGreaterThan(0.05); // measured ~0.23
    expect(toneAmplitude(before, 1700)).toBeGreaterThan(0.05);
    const after = audioSentTo(rtp, SSRC['101'] ?? 0, muted + 200, muted + 2000);
    expect(after.length).toBeGreaterThan(50 * 160);
    expect(toneAmplitude(after, 1700)).toBeGreaterThan(0.05);
    expect(toneAmplitude(after, 1100), '102 is muted').toBeLessThan(0.01);
    expect(toneAmplitude(audioSentTo(rtp, SSRC['101'] ?? 0), 500)).toBeLessThan(0.01); // measured 0.002 (G.711 noise)

    const records = await recordsOfThisTest(4);
    for (const r of records.filter((row) => row.callerNumber !== '104'))
      expect(r).toMatchObject({
        calleeNumber: '800',
        disposition: 'answered',
        answeredBy: 'conference:800',
        hangupSide: 'caller',
        hangupCause: 'conference 800: hangup',
      });
    expect(records.find((row) => row.callerNumber === '104')).toMatchObject({
      disposition: 'busy',
      answeredBy: null,
      hangupCause: expect.stringContaining('room full') as unknown,
    });
  });

  it('room 801 asks for the PIN: two phones that type it hear each other', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${rtpBase}-${rtpBase + 99}`);
    let datagrams: CapturedDatagram[] = [];
    try {
      const script = (ext: string): RtpScript =>
        new RtpScript(SSRC[ext]).pause(500).digits('4321#').tone(3500, TONE_HZ[ext]);
      const runs = await Promise.all(
        ['101', '102'].map((ext) => conferenceCaller(ext, '801', script(ext), 5500)),
      );
      for (const run of runs) expect(run.code, run.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    const rtp = rtpOf(datagrams);
    // From the first tone 102 sends (its PIN typed) for two seconds: 101 hears it, never its own.
    const talking = sentBy(rtp, SSRC['102'] ?? 0).find(({ p }) => p.payloadType === 0)?.d.timeMs ?? Infinity;
    const heard = audioSentTo(rtp, SSRC['101'] ?? 0, talking + 300, talking + 2300);
    expect(heard.length).toBeGreaterThan(50 * 160);
    expect(toneAmplitude(heard, 1100)).toBeGreaterThan(0.05);
    expect(toneAmplitude(heard, 500)).toBeLessThan(0.01);
    const records = await recordsOfThisTest(2);
    for (const r of records)
      expect(r).toMatchObject({
        disposition: 'answered',
        answeredBy: 'conference:801',
        hangupSide: 'caller',
        hangupCause: 'conference 801: hangup',
      });
  });

  it('room 801 asks for the PIN: three wrong ones end the call from the PBX', async () => {
    const script = new RtpScript().pause(500).digits('1111#').pause(2500).digits('2222#').pause(2500);
    script.digits('3333#').pause(1000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-deposit.xml', // waits for the PBX's BYE
      target: target(),
      domain: h.domain,
      caller: { extension: '104', password: 'pw-104' },
      dialled: '801',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const [record] = await recordsOfThisTest(1);
    expect(record).toMatchObject({
      disposition: 'answered',
      answeredBy: 'conference:801',
      hangupSide: 'callee',
      hangupCause: 'conference 801: PIN refused',
    });
  });

  it('a number that is no room (nor anything else) is answered 404', async () => {
    const run = await refusedCaller('103', '899');
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/SIP\/2\.0 404 /);
    const [record] = await recordsOfThisTest(1);
    expect(record).toMatchObject({ calleeNumber: '899', answeredBy: null });
  });
});
