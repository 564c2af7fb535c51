import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hash } from '@node-rs/argon2';
import { readWav, wavDurationMs } from '@switchboard/media';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { authKeys } from '../src/sip/redis-nonce-count-store.js';
import { VoicemailStorage } from '../src/voicemail/voicemail-storage.js';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import { type CallsHarness, killAllSipp, startCalls } from './support/calls-harness.js';

/**
 * Mailbox access through the running B2BUA with sipp sending RFC 4733 keys from a pcap: *97 with
 * the right PIN keeps the newest message, deletes the older one (row and WAV) and records a new
 * greeting; *98 with three wrong PINs says goodbye, hangs up and feeds the auth failure limiter.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vm-access-'));
const storage = new VoicemailStorage(dataDir);
let h: CallsHarness;
let boxId = '';
let redis: Redis;
let testStart = new Date();
vi.setConfig({ testTimeout: 80_000 });

beforeAll(async () => {
  const rtpBase = 40_000 + 2 * Math.floor(Math.random() * 4000);
  h = await startCalls(
    {
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(12),
      SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
      SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 19),
    },
    async (s) => {
      await s.addExtension('401', 'pw-401');
      await s.addExtension('402', 'pw-402');
      const ext = await s.prisma.extension.update({
        where: { number: '401' },
        data: { voicemailPinHash: await hash('1234', { algorithm: 2 }) },
      });
      boxId = (await s.prisma.voicemailBox.create({ data: { extensionId: ext.id } })).id;
    },
  );
  redis = new Redis(h.config.redisUrl);
}, 60_000);

afterAll(async () => {
  killAllSipp();
  redis?.disconnect();
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

beforeEach(async () => {
  testStart = new Date();
  await h.prisma.voicemailMessage.deleteMany();
  for (const [key, ageMs] of [
    ['older', 60_000],
    ['newer', 1000],
  ] as const) {
    const wavPath = storage.messagePath('401', key);
    await storage.writeRecording(wavPath, tone(1000));
    await h.prisma.voicemailMessage.create({
      data: {
        boxId,
        callerNumber: key === 'older' ? '402' : '403',
        durationSeconds: 1,
        wavPath,
        idempotencyKey: `seed-${key}`,
        createdAt: new Date(Date.now() - ageMs),
      },
    });
  }
});

function tone(ms: number): Int16Array {
  return Int16Array.from({ length: ms * 8 }, (_, i) =>
    Math.round(6000 * Math.sin((2 * Math.PI * 600 * i) / 8000)),
  );
}

async function recordOfThisTest() {
  return vi.waitFor(
    async () => {
      const rows = await h.prisma.callRecord.findMany({ where: { startedAt: { gte: testStart } } });
      if (rows.length !== 1) throw new Error(`expected one call record, found ${rows.length}`);
      return rows[0]!;
    },
    { timeout: 10_000, interval: 50 },
  );
}

describe('mailbox access by feature code (sipp, RFC 4733 keys)', () => {
  it('*97: PIN, keep the newest (heard), delete the older (row + WAV), record a greeting, goodbye', async () => {
    // Keys are spaced so that the prompts and messages really play in between; type-ahead would
    // give the same result earlier.
    const script = new RtpScript()
      .pause(300)
      .digits('1234#') // PIN
      .pause(5500)
      .digit('9') // newest message: keep
      .pause(4500)
      .digit('7') // older message: delete
      .pause(3500)
      .digit('0') // main menu: record a greeting
      .pause(1500)
      .digit('#') // skip "record your greeting after the tone"
      .pause(1000)
      .tone(2000)
      .digit('#') // end of the greeting
      .pause(2500)
      .digit('#') // main menu: leave
      .pause(4000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-deposit.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller: { extension: '401', password: 'pw-401' },
      dialled: '*97',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      callerNumber: '401',
      calleeNumber: '*97',
      disposition: 'answered',
      answeredBy: 'voicemail-access:401',
      hangupSide: 'callee',
      hangupCause: 'voicemail access: done',
    });
    const rows = await h.prisma.voicemailMessage.findMany();
    expect(rows.map((r) => ({ caller: r.callerNumber, heard: r.heard }))).toEqual([
      { caller: '403', heard: true },
    ]);
    expect(fs.existsSync(path.join(dataDir, storage.messagePath('401', 'older')))).toBe(false);
    expect(fs.existsSync(path.join(dataDir, storage.messagePath('401', 'newer')))).toBe(true);
    const box = await h.prisma.voicemailBox.findUniqueOrThrow({ where: { id: boxId } });
    expect(box.greetingPath).toMatch(/^voicemail\/401\/greeting-\d+\.wav$/);
    const greeting = readWav(fs.readFileSync(path.join(dataDir, box.greetingPath ?? '')));
    expect(Math.abs(wavDurationMs(greeting) - 2000)).toBeLessThanOrEqual(500);
  });

  it('*98: mailbox number, three wrong PINs → goodbye and BYE; failures counted; nothing changed', async () => {
    await redis.del(authKeys.failures(h.domain, '127.0.0.1', 'vm:401'));
    const script = new RtpScript()
      .pause(300)
      .digits('401#')
      .pause(1500)
      .digits('9999#')
      .pause(2500)
      .digits('0000#')
      .pause(2500)
      .digits('1111#')
      .pause(8000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-deposit.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller: { extension: '402', password: 'pw-402' },
      dialled: '*98',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      callerNumber: '402',
      calleeNumber: '*98',
      hangupSide: 'callee',
      hangupCause: 'voicemail access: pin-failed',
    });
    expect(await redis.get(authKeys.failures(h.domain, '127.0.0.1', 'vm:401'))).toBe('3');
    const rows = await h.prisma.voicemailMessage.findMany();
    expect(rows.map((r) => r.heard)).toEqual([false, false]);
  });
});
