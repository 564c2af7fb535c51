import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { toneAmplitude, type CapturedDatagram } from '@switchboard/media';
import { redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import {
  bindContact,
  type CallsHarness,
  killAllSipp,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { LoopbackCapture } from './support/loopback-capture.js';
import { PbxRtp, rtpOf } from './support/pbx-rtp.js';

/**
 * Blind transfers whose target's plan ends in a local application (calls/local/): 100 calls 201
 * (a sipp phone), 201 REFERs the call to 202 (rings, never answers → its voicemail) or to room 800.
 * The application answers the transferee, already in a call, with a re-INVITE carrying its own
 * PCMU offer; the transferor's NOTIFY says 200 when it took it, then the transferor gets BYE. The
 * RTP the PBX sends is captured on loopback: the greeting reaches the transferee, the room's audio
 * reaches both parties (Goertzel).
 */
const REDIS_DB = 10;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-xfer-local-data-'));
const rtpBase = 30_000 + 2 * Math.floor(Math.random() * 5000);
const pbxRange = { min: rtpBase, max: rtpBase + 99 };
const SSRC = { transferee: 0x100, member: 0x101 } as const;
const TONE_HZ = { transferee: 500, member: 1100 } as const;
let h: CallsHarness;
let testStart = new Date();
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS: '@switchboard/plugin-conference,@switchboard/plugin-extensions',
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(REDIS_DB),
      SWITCHBOARD_RTP_PORT_MIN: String(pbxRange.min),
      SWITCHBOARD_RTP_PORT_MAX: String(pbxRange.max),
    },
    async (s) => {
      for (const ext of ['100', '101', '201', '202']) await s.addExtension(ext, `pw-${ext}`);
      const box = await s.prisma.extension.findFirstOrThrow({ where: { number: '202' } });
      await s.prisma.voicemailBox.create({ data: { extensionId: box.id, maxMessageSeconds: 60 } });
      await s.prisma.pluginConfig.create({
        data: {
          pluginId: 'extensions',
          enabled: true,
          config: { ringSeconds: 5, onNoAnswer: 'voicemail', onBusy: 'reject', onDecline: 'reject' },
        },
      });
      await s.prisma.conferenceRoom.create({
        data: { number: '800', name: 'Team', maxParticipants: 5, announceJoin: false },
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

/** The PBX's registrations live in its own Redis database (isolatedRedisUrl). */
async function bind(extension: string, port: number): Promise<void> {
  const redis = new Redis(isolatedRedisUrl(REDIS_DB));
  try {
    await bindContact({ ...h, redis }, extension, port);
  } finally {
    redis.disconnect();
  }
}

async function expectNoLiveCalls(): Promise<void> {
  const redis = new Redis(isolatedRedisUrl(REDIS_DB));
  try {
    await vi.waitFor(async () => expect(await redis.zcard(redisKeys.calls)).toBe(0), {
      timeout: 10_000,
      interval: 50,
    });
  } finally {
    redis.disconnect();
  }
}

async function recordOf(callerNumber: string) {
  return vi.waitFor(
    async () => {
      const row = await h.prisma.callRecord.findFirst({
        where: { callerNumber, startedAt: { gte: testStart } },
      });
      if (!row) throw new Error('no call record yet');
      return row;
    },
    { timeout: 10_000, interval: 50 },
  );
}

/** 100 calls 201 (the transferor, REFER to `target`); resolves with every sipp's outcome. */
async function transferCall(transferor: string, target: string, script: RtpScript, pauseMs: number) {
  const refer = await startSipp(transferor, ['-key', 'domain', h.domain, '-key', 'target', target]);
  await bind('201', refer.port);
  const transferee = await runVoicemailCaller({
    scenario: 'xfer-local-uac-transferee.xml',
    target: { host: '127.0.0.1', port: h.port },
    domain: h.domain,
    caller: { extension: '100', password: 'pw-100' },
    dialled: '201',
    script,
    pauseMs,
  });
  if (transferee.code !== 0) refer.kill();
  return { transferee, transferor: await refer.done };
}

describe('blind transfer to a local application (sipp phones)', () => {
  it('to 202, which rings unanswered: its voicemail answers the transferee (greeting RTP, NOTIFY 100/180/200), the message is stored', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${pbxRange.min}-${pbxRange.max}`);
    let datagrams: CapturedDatagram[] = [];
    try {
      const ringing = await startSipp('call-uas-ring.xml', []);
      await bind('202', ringing.port);
      // 1 s of greeting heard (the phone sends silence: a pcap's leading pause is not played), # skips
      // the rest, then 2 s of message after the beep.
      const script = new RtpScript(SSRC.transferee)
        .tone(1000, TONE_HZ.transferee, 0)
        .digit('#')
        .pause(1300)
        .tone(2000, TONE_HZ.transferee)
        .pause(200);
      const r = await transferCall('transfer-uas-transferor.xml', '202', script, 4700);
      expect(r.transferee.code, r.transferee.output).toBe(0);
      expect(r.transferor.code, r.transferor.output).toBe(0);
      const rung = await ringing.done;
      expect(rung.code, rung.output).toBe(0); // cancelled at the ring timeout
    } finally {
      datagrams = await capture.stop();
    }
    const rtp = new PbxRtp(rtpOf(datagrams), pbxRange);
    const firstKey = rtp.sentBy(SSRC.transferee).find(({ p }) => p.payloadType === 101)?.d.timeMs ?? 0;
    const greeting = rtp.audioSentTo(SSRC.transferee, firstKey - 900, firstKey);
    expect(greeting.length, 'greeting packets before the first key').toBeGreaterThan(30 * 160);
    expect(Math.max(...greeting.map(Math.abs)), 'the greeting is not silence').toBeGreaterThan(1000);

    const message = await vi.waitFor(
      async () => {
        const row = await h.prisma.voicemailMessage.findFirst({
          where: { box: { extension: { number: '202' } }, createdAt: { gte: testStart } },
        });
        if (!row) throw new Error('no message yet');
        return row;
      },
      { timeout: 10_000, interval: 50 },
    );
    expect(message.callerNumber).toBe('100');
    expect(message.durationSeconds).toBeGreaterThanOrEqual(1);
    const record = await recordOf('100');
    expect(record).toMatchObject({
      calleeNumber: '201',
      answeredBy: '201',
      disposition: 'answered',
      hangupSide: 'caller',
    });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: 'voicemail:202', status: 200 },
    ]);
    await expectNoLiveCalls();
  });

  it('to room 800: the transferee joins the room and hears its member, who hears it (NOTIFY 100/200)', async () => {
    const capture = await LoopbackCapture.start(`udp portrange ${pbxRange.min}-${pbxRange.max}`);
    let datagrams: CapturedDatagram[] = [];
    try {
      const member = runVoicemailCaller({
        scenario: 'conference-uac-talk.xml',
        target: { host: '127.0.0.1', port: h.port },
        domain: h.domain,
        caller: { extension: '101', password: 'pw-101' },
        dialled: '800',
        script: new RtpScript(SSRC.member).tone(6000, TONE_HZ.member),
        pauseMs: 6200,
      });
      const script = new RtpScript(SSRC.transferee).tone(3000, TONE_HZ.transferee);
      const r = await transferCall('xfer-local-uas-transferor.xml', '800', script, 3200);
      expect(r.transferee.code, r.transferee.output).toBe(0);
      expect(r.transferor.code, r.transferor.output).toBe(0);
      const m = await member;
      expect(m.code, m.output).toBe(0);
    } finally {
      datagrams = await capture.stop();
    }
    const rtp = new PbxRtp(rtpOf(datagrams), pbxRange);
    const talked = rtp.sentBy(SSRC.transferee);
    const window = [(talked[0]?.d.timeMs ?? 0) + 300, (talked.at(-1)?.d.timeMs ?? 0) - 100] as const;
    expect(window[1] - window[0], 'the transferee talked in the room').toBeGreaterThan(2000);
    const transfereeHears = rtp.audioSentTo(SSRC.transferee, ...window);
    expect(transfereeHears.length).toBeGreaterThan(50 * 160);
    expect(toneAmplitude(transfereeHears, TONE_HZ.member), 'the transferee hears 101').toBeGreaterThan(0.05);
    expect(toneAmplitude(transfereeHears, TONE_HZ.transferee), 'not itself').toBeLessThan(0.01);
    const memberHears = rtp.audioSentTo(SSRC.member, ...window);
    expect(toneAmplitude(memberHears, TONE_HZ.transferee), '101 hears the transferee').toBeGreaterThan(0.05);

    const record = await recordOf('100');
    expect(record).toMatchObject({ answeredBy: '201', disposition: 'answered', hangupSide: 'caller' });
    expect(record.transfers).toMatchObject([
      { transferor: '201', transferee: '100', target: 'conference:800', status: 200 },
    ]);
    await expectNoLiveCalls();
  });
});
