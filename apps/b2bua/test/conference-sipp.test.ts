import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { decodeRtpPacket, toneAmplitude, ulawDecode, type CapturedDatagram } from '@switchboard/media';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import { type CallsHarness, killAllSipp, startCalls } from './support/calls-harness.js';
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

/** The audio the PBX sent to the phone whose RTP carries `ssrc`: its session's port, found by what it received. */
function audioSentTo(datagrams: readonly CapturedDatagram[], ssrc: number): Int16Array {
  const isPbx = (port: number): boolean => port >= rtpBase && port <= rtpBase + 99;
  const rtp = datagrams.flatMap((d) => {
    try {
      return [{ d, p: decodeRtpPacket(d.payload) }];
    } catch {
      return []; // RTCP or not RTP
    }
  });
  const pbxPort = rtp.find(({ d, p }) => p.ssrc === ssrc && isPbx(d.destination.port))?.d.destination.port;
  expect(pbxPort, 'the PBX received the phone’s RTP').toBeDefined();
  const sent = rtp.filter(({ d, p }) => d.source.port === pbxPort && p.payloadType === 0);
  const out = new Int16Array(sent.length * 160);
  sent.forEach(({ p }, i) => out.set(ulawDecode(p.payload).subarray(0, 160), i * 160));
  return out;
}

describe('conference room (sipp phones, conference plugin)', () => {
  it('three phones in room 800: one is sent the other two tones and not its own; records say conference:800', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${rtpBase}-${rtpBase + 99}`);
    let datagrams: CapturedDatagram[] = [];
    try {
      const runs = await Promise.all(
        ['101', '102', '103'].map((ext) =>
          runVoicemailCaller({
            scenario: 'conference-uac-talk.xml',
            target: target(),
            domain: h.domain,
            caller: { extension: ext, password: `pw-${ext}` },
            dialled: '800',
            script: new RtpScript(SSRC[ext]).tone(3800, TONE_HZ[ext]),
          }),
        ),
      );
      for (const run of runs) expect(run.code, run.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    const heard = audioSentTo(datagrams, SSRC['101'] ?? 0);
    expect(heard.length).toBeGreaterThan(100 * 160); // about 4 s of 20 ms frames, silence included
    expect(toneAmplitude(heard, 1100)).toBeGreaterThan(0.05);
    expect(toneAmplitude(heard, 1700)).toBeGreaterThan(0.05);
    expect(toneAmplitude(heard, 500)).toBeLessThan(0.01); // measured 0.002 (G.711 noise); the others 0.23

    const records = await recordsOfThisTest(3);
    for (const r of records)
      expect(r).toMatchObject({
        calleeNumber: '800',
        disposition: 'answered',
        answeredBy: 'conference:800',
        hangupSide: 'caller',
        hangupCause: 'conference 800: hangup',
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
});
