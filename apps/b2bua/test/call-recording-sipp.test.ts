import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '@switchboard/config';
import { readPcm16TracksWav, toneAmplitude } from '@switchboard/media';
import { Queue } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { RECORDINGS_QUEUE, recordingJobId } from '../src/jobs/recording-job.js';
import { CallRecordingRepository } from '../src/repositories/call-recording.repository.js';
import { RecordingStore } from '../src/recordings/recording-store.js';
import { RtpScript } from './fixtures/voicemail-rtp-script.js';
import {
  type CallsHarness,
  enableExtensionsPlugin,
  killAllSipp,
  startCalls,
  startSipp,
} from './support/calls-harness.js';
import { rtpengineAvailable, relayEnv, testRtpengine, type TestRtpengine } from './support/test-rtpengine.js';

/**
 * Call recording (issue #24) through the running B2BUA and a real rtpengine: sipp phones send
 * distinct tones from pcaps (caller 500 Hz, callee 1100 Hz); a call to an extension or ring group
 * that records leaves a stereo WAV (caller left, callee right) and its row; other calls leave none.
 * Numbers 91xx-97xx are this file's own.
 */
const CALLER = '9100';
const RECORDED = '9201';
const PLAIN = '9202';
const GROUP = '9700';
const CALLER_HZ = 500;
const CALLEE_HZ = 1100;
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rec-data-'));
let rtpengine: TestRtpengine | undefined;
let h: CallsHarness;
vi.setConfig({ testTimeout: 40_000 });

beforeAll(async () => {
  if (!rtpengineAvailable) return;
  rtpengine = await testRtpengine({ min: 45700, max: 45799 });
  h = await startCalls(
    {
      ...relayEnv(rtpengine),
      SWITCHBOARD_PLUGINS: '@switchboard/plugin-ring-group,@switchboard/plugin-extensions',
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_RECORDING_ANNOUNCEMENT: 'tone',
    },
    async (s) => {
      for (const n of [CALLER, RECORDED, PLAIN]) await s.addExtension(n, `pw-${n}`);
      await s.prisma.extension.update({ where: { number: RECORDED }, data: { recordCalls: true } });
      const plain = await s.prisma.extension.findUniqueOrThrow({ where: { number: PLAIN } });
      await s.prisma.ringGroup.create({
        data: {
          number: GROUP,
          name: 'Recorded line',
          ringTimeSeconds: 20,
          recordCalls: true,
          members: { create: [{ extensionId: plain.id, position: 0 }] },
        },
      });
      await enableExtensionsPlugin(s);
    },
  );
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
  await rtpengine?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const talk = (hz: number, ssrc: number): Uint8Array => new RtpScript(ssrc).tone(2000, hz, 12000).toPcap();

/** `dialled` answered by `callee`, both talking for 2 s; the call record of it. */
async function talkingCall(dialled: string, callee: string) {
  const uas = await startSipp('rec-uas-talk.xml', [], undefined, undefined, {
    'talk.pcap': talk(CALLEE_HZ, 2),
  });
  await h.bind(callee, uas.port);
  const uac = await startSipp(
    'rec-uac-talk.xml',
    [
      '-s',
      dialled,
      '-au',
      CALLER,
      '-ap',
      `pw-${CALLER}`,
      '-key',
      'domain',
      h.domain,
      '-key',
      'caller',
      CALLER,
    ],
    { host: '127.0.0.1', port: h.port },
    `sip:${dialled}@${h.domain}`,
    { 'talk.pcap': talk(CALLER_HZ, 1) },
  );
  const caller = await uac.done;
  if (caller.code !== 0) uas.kill();
  const answered = await uas.done;
  expect(caller.code, caller.output).toBe(0);
  expect(answered.code, answered.output).toBe(0);
  const sipCallId = /^Call-ID: (.+)$/m.exec(caller.messages)?.[1]?.trim() ?? '';
  await h.unbindAll(callee);
  return vi.waitFor(() => h.prisma.callRecord.findFirstOrThrow({ where: { sipCallId } }), {
    timeout: 10_000,
    interval: 50,
  });
}

function recordingOf(callId: string) {
  return vi.waitFor(() => h.prisma.callRecording.findUniqueOrThrow({ where: { callId } }), {
    timeout: 15_000,
    interval: 100,
  });
}

describe.skipIf(!rtpengineAvailable)('call recording through rtpengine (sipp)', () => {
  it('a call to an extension that records: a stereo WAV with each party on its own channel', async () => {
    const record = await talkingCall(RECORDED, RECORDED);
    expect(record).toMatchObject({ disposition: 'answered', answeredBy: RECORDED });
    const row = await recordingOf(record.id);
    expect(row).toMatchObject({ reasons: [`extension:${RECORDED}`], announced: true });
    expect(row.durationMs).toBeGreaterThan(1500);
    const file = path.join(dataDir, row.path);
    const wav = fs.readFileSync(file);
    expect(row.sizeBytes).toBe(wav.length);
    const { sampleRate, tracks } = readPcm16TracksWav(wav);
    const [left, right] = tracks as [Int16Array, Int16Array];
    expect(sampleRate).toBe(8000);
    // Each channel holds what that party sent (12000/32768 ≈ 0.37 of full scale), not the other's.
    expect(toneAmplitude(left, CALLER_HZ)).toBeGreaterThan(0.2);
    expect(toneAmplitude(left, CALLEE_HZ)).toBeLessThan(0.02);
    expect(toneAmplitude(right, CALLEE_HZ)).toBeGreaterThan(0.2);
    expect(toneAmplitude(right, CALLER_HZ)).toBeLessThan(0.02);
    // rtpengine's pcap is removed once the WAV and its row are stored.
    await expect
      .poll(() =>
        fs.readdirSync(path.join(rtpengine!.recordingDir, 'pcaps')).filter((f) => f.startsWith(record.id)),
      )
      .toEqual([]);
  });

  it('a call to a ring group that records is recorded whichever member answers', async () => {
    const record = await talkingCall(GROUP, PLAIN);
    expect(record).toMatchObject({ disposition: 'answered', answeredBy: PLAIN });
    const row = await recordingOf(record.id);
    expect(row.reasons).toEqual([`ring-group:${GROUP}`]);
    const { tracks } = readPcm16TracksWav(fs.readFileSync(path.join(dataDir, row.path)));
    expect(toneAmplitude(tracks[0]!, CALLER_HZ)).toBeGreaterThan(0.2);
    expect(toneAmplitude(tracks[1]!, CALLEE_HZ)).toBeGreaterThan(0.2);
  });

  it('a call between extensions that do not record leaves no recording, job or pcap', async () => {
    const record = await talkingCall(PLAIN, PLAIN);
    expect(record).toMatchObject({ disposition: 'answered', answeredBy: PLAIN });
    const queue = new Queue(RECORDINGS_QUEUE, { connection: h.redis, prefix: h.config.queuePrefix });
    try {
      // The record is written after the call ended, when a recording job would have been queued.
      expect(await queue.getJob(recordingJobId(record.id))).toBeUndefined();
    } finally {
      await queue.close();
    }
    expect(await h.prisma.callRecording.count({ where: { callId: record.id } })).toBe(0);
    const pcaps = fs.readdirSync(path.join(rtpengine!.recordingDir, 'pcaps'));
    expect(pcaps.filter((f) => f.startsWith(record.id))).toEqual([]);
  });
});

describe.skipIf(!rtpengineAvailable)('recording retention (injected clock)', () => {
  it('removes rows and WAVs older than the retention, then the oldest beyond the size cap', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-rec-retention-'));
    const store = new RecordingStore(
      {
        spoolDir: path.join(dir, 'spool'),
        dataDir: dir,
        retentionDays: 30,
        maxTotalBytes: 2500,
        maxSeconds: 60,
        incompleteAfterMs: 60_000,
      },
      new CallRecordingRepository(h.prisma),
      createLogger('test', h.config),
    );
    const now = Date.parse('2030-01-31T00:00:00Z');
    const make = async (id: string, daysAgo: number, size: number) => {
      const at = new Date(now - daysAgo * 86_400_000);
      const relative = path.join('recordings', `${id}.wav`);
      fs.mkdirSync(path.join(dir, 'recordings'), { recursive: true });
      fs.writeFileSync(path.join(dir, relative), Buffer.alloc(size));
      await h.prisma.callRecord.create({
        data: { id, callerNumber: '1', calleeNumber: '2', startedAt: at, disposition: 'answered' },
      });
      await h.prisma.callRecording.create({
        data: { callId: id, path: relative, sizeBytes: size, durationMs: 1000, startedAt: at, createdAt: at },
      });
    };
    // The recordings of the calls above would count against the cap (and be years old in 2030).
    await h.prisma.callRecording.deleteMany();
    try {
      await make('ret-old', 40, 1000); // past the 30 days
      await make('ret-a', 3, 1000); // oldest within: beyond the 2500-byte cap
      await make('ret-b', 2, 1000);
      await make('ret-c', 1, 1000);
      expect(await store.prune(new Date(now))).toBe(2);
      const left = await h.prisma.callRecording.findMany({
        where: { callId: { startsWith: 'ret-' } },
        orderBy: { callId: 'asc' },
      });
      expect(left.map((r) => r.callId)).toEqual(['ret-b', 'ret-c']);
      expect(fs.readdirSync(path.join(dir, 'recordings')).sort()).toEqual(['ret-b.wav', 'ret-c.wav']);
      // The call records stay: only the recordings go.
      expect(await h.prisma.callRecord.count({ where: { id: { startsWith: 'ret-' } } })).toBe(4);
      // 30 days later b and c are past the retention too.
      expect(await store.prune(new Date(now + 30 * 86_400_000))).toBe(2);
      expect(fs.readdirSync(path.join(dir, 'recordings'))).toEqual([]);
    } finally {
      await h.prisma.callRecord.deleteMany({ where: { id: { startsWith: 'ret-' } } });
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
