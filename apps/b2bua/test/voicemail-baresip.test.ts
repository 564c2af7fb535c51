import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { readWav, wavDurationMs, wavSamples } from '@switchboard/media';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { startBaresip } from './support/baresip.js';
import { type CallsHarness, startCalls } from './support/calls-harness.js';
import { freeSipPort } from './support/sip-test-kit.js';
import { isolatedRedisUrl } from './fixtures/voicemail-sipp.js';

/**
 * A real softphone leaves a message: baresip (aufile source: a 440 Hz tone WAV) calls 301, nobody is
 * registered there, the extensions plugin's plan ends in 301's voicemail; the B2BUA answers, plays
 * the greeting and beep, records until baresip hangs up. The recording must hold the tone.
 */
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vm-baresip-'));
let h: CallsHarness;

beforeAll(async () => {
  const rtpBase = 36_000 + 2 * Math.floor(Math.random() * 4000);
  h = await startCalls(
    {
      // baresip 1.0 aborts on any SHA-256 challenge.
      SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5',
      SWITCHBOARD_DATA_DIR: dataDir,
      REDIS_URL: isolatedRedisUrl(13),
      SWITCHBOARD_RTP_PORT_MIN: String(rtpBase),
      SWITCHBOARD_RTP_PORT_MAX: String(rtpBase + 19),
    },
    async (s) => {
      await s.addExtension('300', 'pw-300');
      await s.addExtension('301', 'pw-301');
      const ext = await s.prisma.extension.findUniqueOrThrow({ where: { number: '301' } });
      await s.prisma.voicemailBox.create({ data: { extensionId: ext.id } });
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
  await h?.close();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('baresip leaves a voicemail', () => {
  it('the recorded WAV holds the tone baresip played (not silence)', async () => {
    const caller = startBaresip({
      user: '300',
      password: 'pw-300',
      domain: h.domain,
      proxy: { host: '127.0.0.1', port: h.port },
      listenPort: await freeSipPort(),
      // Greeting (~4.9 s) and beep, then several seconds of message before baresip quits (BYE).
      seconds: 14,
      commands: [`/dial sip:301@${h.domain}`],
    });
    const run = await caller.done;
    const message = await vi
      .waitFor(
        async () => {
          const row = await h.prisma.voicemailMessage.findFirst({
            where: { box: { extension: { number: '301' } } },
          });
          if (!row) throw new Error('no voicemail row yet');
          return row;
        },
        { timeout: 15_000, interval: 100 },
      )
      .catch((err: unknown) => {
        throw new Error(`no message stored: ${String(err)}\n--- baresip:\n${run.output.slice(-4000)}`);
      });
    expect(message.callerNumber).toBe('300');
    const wav = readWav(fs.readFileSync(path.join(dataDir, message.wavPath)));
    const samples = wavSamples(wav);
    expect(wavDurationMs(wav), run.output.slice(-3000)).toBeGreaterThan(2000);
    let sum = 0;
    for (const s of samples) sum += s * s;
    const rms = Math.sqrt(sum / samples.length);
    // baresip's tone has amplitude 8000 (rms ≈ 5650); silence or comfort noise stays far below.
    expect(rms).toBeGreaterThan(2000);
    expect(Math.abs(message.durationSeconds * 1000 - wavDurationMs(wav))).toBeLessThanOrEqual(500);
    // The message row is written at hang-up; the call record comes through the write-behind batch.
    await expect
      .poll(() => h.prisma.callRecord.findFirst({ where: { id: message.callId ?? '' } }), { timeout: 10_000 })
      .toMatchObject({ disposition: 'voicemail', hangupSide: 'caller', callerNumber: '300' });
  }, 60_000);
});
