import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@switchboard/config';
import { readWav, wavDurationMs, wavSamples } from '@switchboard/media';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { VoicemailWorkerService } from '../src/voicemail/voicemail-queue.services.js';
import { VOICEMAIL_QUEUE, voicemailJobId, type VoicemailJob } from '../src/voicemail/voicemail-job.js';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import { isolatedRedisUrl, runVoicemailCaller } from './fixtures/voicemail-sipp.js';
import { type CallsHarness, killAllSipp, startCalls } from './support/calls-harness.js';

/**
 * Message deposit through the running B2BUA: sipp calls an extension whose plan ends in voicemail,
 * sends PCMU audio and RFC 4733 digits from a pcap; the recording lands under the data dir and the
 * worker stores exactly one row, however often its job runs.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const voicemailPlugin = path.resolve(here, 'fixtures/voicemail-plugin.mjs');
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vm-data-'));
let h: CallsHarness;
let testStart = new Date();
vi.setConfig({ testTimeout: 60_000 });

beforeAll(async () => {
  const rtpBase = 30_000 + 2 * Math.floor(Math.random() * 5000);
  h = await startCalls(
    {
      SWITCHBOARD_PLUGINS: `${voicemailPlugin},@switchboard/plugin-extensions`,
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(11),
      SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
      SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 99),
      // Short, so the silence test stays short; the other calls send audio or # before 2 s pass.
      SWITCHBOARD_VOICEMAIL_SILENCE_SECONDS: '2',
    },
    async (s) => {
      await s.addExtension('100', 'pw-100');
      for (const ext of ['301', '302', '303', '304']) await s.addExtension(ext, `pw-${ext}`);
      const ids = Object.fromEntries(
        (await s.prisma.extension.findMany()).map((e) => [e.number, e.id] as const),
      );
      await s.prisma.voicemailBox.create({ data: { extensionId: ids['301'] ?? '', maxMessageSeconds: 60 } });
      await s.prisma.voicemailBox.create({ data: { extensionId: ids['302'] ?? '', enabled: false } });
      const full = await s.prisma.voicemailBox.create({
        data: { extensionId: ids['304'] ?? '', maxMessages: 1 },
      });
      await s.prisma.voicemailMessage.create({
        data: {
          boxId: full.id,
          callerNumber: '100',
          durationSeconds: 2,
          wavPath: 'voicemail/304/old.wav',
          idempotencyKey: 'seed-304',
        },
      });
      await s.prisma.pluginConfig.create({
        data: {
          pluginId: 'extensions',
          enabled: true,
          config: { ringSeconds: 5, onNoAnswer: 'voicemail', onBusy: 'voicemail' },
        },
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

const caller = { extension: '100', password: 'pw-100' };

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

async function messagesOf(mailbox: string) {
  return h.prisma.voicemailMessage.findMany({
    where: { box: { extension: { number: mailbox } } },
    orderBy: { createdAt: 'asc' },
  });
}

function rms(samples: Int16Array): number {
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / Math.max(1, samples.length));
}

describe('voicemail deposit (sipp caller, extensions plugin, nobody registered)', () => {
  it('records 3 s between the beep and #, stores the WAV and one row; a retried job adds none', async () => {
    // # skips the greeting; the tone starts once the beep is surely over; # ends the message.
    const script = new RtpScript().digit('#').pause(1500).tone(3000).digit('#').pause(2000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-deposit.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled: '301',
      script,
    });
    expect(run.code, run.output).toBe(0);

    const [message] = await vi.waitFor(
      async () => {
        const rows = await messagesOf('301');
        if (rows.length !== 1) throw new Error(`expected one message, found ${rows.length}`);
        return rows;
      },
      { timeout: 10_000, interval: 100 },
    );
    expect(message).toMatchObject({ callerNumber: '100', durationSeconds: 3, heard: false });
    expect(message!.wavPath).toMatch(/^voicemail\/301\/msg-.+\.wav$/);
    const wav = readWav(fs.readFileSync(path.join(dataDir, message!.wavPath)));
    expect(wav).toMatchObject({ encoding: 'pcm16', sampleRate: 8000 });
    expect(Math.abs(wavDurationMs(wav) - 3000)).toBeLessThanOrEqual(500);
    expect(rms(wavSamples(wav))).toBeGreaterThan(3000); // the 440 Hz tone at amplitude 8000 (rms ≈ 5650)

    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      callerNumber: '100',
      calleeNumber: '301',
      disposition: 'voicemail',
      answeredBy: 'voicemail:301',
      hangupSide: 'callee',
      hangupCause: 'voicemail: dtmf',
    });
    expect(message!.callId).toBe(record.id);
    expect(message!.idempotencyKey).toBe(voicemailJobId(record.id));

    // The same job again (a worker crashed after the insert), by hand and through the queue.
    const job: VoicemailJob = {
      idempotencyKey: message!.idempotencyKey,
      mailbox: '301',
      callerNumber: '100',
      durationSeconds: 3,
      wavPath: message!.wavPath,
      callId: record.id,
      recordedAt: message!.createdAt.toISOString(),
    };
    const worker = h.worker.get(VoicemailWorkerService);
    await expect(worker.process({ data: job })).resolves.toEqual({ id: message!.id, created: false });
    const queue = new Queue(VOICEMAIL_QUEUE, {
      connection: new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }),
      prefix: h.config.queuePrefix,
    });
    try {
      const again = await queue.add('voicemail-message', job, { jobId: `${job.idempotencyKey}-retry` });
      await vi.waitFor(async () => expect(await again.isCompleted()).toBe(true), { timeout: 10_000 });
    } finally {
      await queue.close();
    }
    expect(await messagesOf('301')).toHaveLength(1);

    // After the row is stored the MessageWaitingNotifier hears about the mailbox (found row too).
    const changed: string[] = [];
    const spyWorker = new VoicemailWorkerService(h.config, createLogger('test', h.config), h.prisma, {
      mailboxChanged: (ext) => {
        changed.push(ext);
        return Promise.resolve();
      },
    });
    await spyWorker.process({ data: job });
    const failing = new VoicemailWorkerService(h.config, createLogger('test', h.config), h.prisma, {
      mailboxChanged: () => Promise.reject(new Error('MWI down')),
    });
    await expect(failing.process({ data: job })).resolves.toEqual({ id: message!.id, created: false });
    expect(changed).toEqual(['301']);
    await expect(spyWorker.process({ data: { ...job, wavPath: '../../etc/passwd' } })).rejects.toThrow(
      /invalid voicemail job/,
    );
  });

  it('the caller hanging up ends the recording; the message is kept', async () => {
    // The tone lasts until after the caller's BYE (7 s), so silence cannot end the message first.
    const script = new RtpScript().digit('#').pause(1500).tone(7000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-hangup.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled: '8301',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      disposition: 'voicemail',
      hangupSide: 'caller',
      hangupCause: 'voicemail: hangup',
    });
    const row = await vi.waitFor(
      async () => {
        const r = await h.prisma.voicemailMessage.findFirst({ where: { callId: record.id } });
        if (!r) throw new Error('no message row yet');
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    const wav = readWav(fs.readFileSync(path.join(dataDir, row.wavPath)));
    // From the tone's start to the BYE at 7 s after the ACK: about 5.4 s.
    expect(wavDurationMs(wav)).toBeGreaterThan(4000);
    expect(wavDurationMs(wav)).toBeLessThan(7000);
    expect(Math.abs(row.durationSeconds * 1000 - wavDurationMs(wav))).toBeLessThanOrEqual(500);
  });

  it('silence (2 s here) ends the message: the voicemail hangs up, the quiet tail is not kept', async () => {
    const script = new RtpScript().digit('#').pause(1500).tone(2000).pause(8000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-deposit.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled: '8301',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({
      disposition: 'voicemail',
      hangupSide: 'callee',
      hangupCause: 'voicemail: silence',
    });
    const row = await vi.waitFor(
      async () => {
        const r = await h.prisma.voicemailMessage.findFirst({ where: { callId: record.id } });
        if (!r) throw new Error('no message row yet');
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    const wav = readWav(fs.readFileSync(path.join(dataDir, row.wavPath)));
    expect(Math.abs(wavDurationMs(wav) - 2000)).toBeLessThanOrEqual(500);
  });

  it('late offer: INVITE without SDP, our offer in the 200, the answer in the ACK', async () => {
    const script = new RtpScript().digit('#').pause(1500).tone(1500).digit('#').pause(2000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-late-offer.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled: '8301',
      script,
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toMatch(/m=audio \d+ RTP\/AVP 0 101/); // our offer in the 200
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ disposition: 'voicemail', hangupCause: 'voicemail: dtmf' });
    const row = await vi.waitFor(
      async () => {
        const r = await h.prisma.voicemailMessage.findFirst({ where: { callId: record.id } });
        if (!r) throw new Error('no message row yet');
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    const wav = readWav(fs.readFileSync(path.join(dataDir, row.wavPath)));
    expect(Math.abs(wavDurationMs(wav) - 1500)).toBeLessThanOrEqual(500);
  });

  it('a re-INVITE (hold) during the recording gets 200 with a=recvonly; the message is still recorded', async () => {
    const script = new RtpScript().digit('#').pause(1500).tone(3000).digit('#').pause(2000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-reinvite.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled: '8301',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ disposition: 'voicemail', hangupCause: 'voicemail: dtmf' });
    const row = await vi.waitFor(
      async () => {
        const r = await h.prisma.voicemailMessage.findFirst({ where: { callId: record.id } });
        if (!r) throw new Error('no message row yet');
        return r;
      },
      { timeout: 10_000, interval: 100 },
    );
    const wav = readWav(fs.readFileSync(path.join(dataDir, row.wavPath)));
    expect(Math.abs(wavDurationMs(wav) - 3000)).toBeLessThanOrEqual(500);
  });

  it('a recording under 1 s is discarded: no file, no row', async () => {
    const script = new RtpScript().digit('#').pause(1500).tone(400).digit('#').pause(2000);
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-deposit.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled: '8301',
      script,
    });
    expect(run.code, run.output).toBe(0);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ disposition: 'voicemail', hangupCause: 'voicemail: dtmf' });
    // The discard is decided synchronously when the call ends, before its record is published:
    // a short message never reaches the queue, so there is nothing to wait for.
    const queue = new Queue(VOICEMAIL_QUEUE, {
      connection: new Redis(h.config.redisUrl, { maxRetriesPerRequest: null }),
      prefix: h.config.queuePrefix,
    });
    try {
      expect(await queue.getJob(voicemailJobId(record.id))).toBeUndefined();
    } finally {
      await queue.close();
    }
    expect(await h.prisma.voicemailMessage.findFirst({ where: { callId: record.id } })).toBeNull();
    expect(fs.existsSync(path.join(dataDir, `voicemail/301/msg-${record.id}.wav`))).toBe(false);
  });

  it.each([
    ['8303', 'No Voicemail Box'],
    ['8302', 'Voicemail Box Disabled'],
    ['8304', 'Voicemail Box Full'],
  ])('%s: 480 with the reason %s, nothing recorded', async (dialled, reason) => {
    const run = await runVoicemailCaller({
      scenario: 'voicemail-uac-refused.xml',
      target: { host: '127.0.0.1', port: h.port },
      domain: h.domain,
      caller,
      dialled,
      script: new RtpScript(),
    });
    expect(run.code, run.output).toBe(0);
    expect(run.output).toContain(`SIP/2.0 480 ${reason}`);
    const record = await recordOfThisTest();
    expect(record).toMatchObject({ disposition: 'no_answer', hangupSide: 'system' });
    expect(record.hangupCause).toContain(reason);
  });
});
