import crypto from 'node:crypto';
import { Writable } from 'node:stream';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { Job, Queue, QueueEvents } from 'bullmq';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  CallRecordPublisherService,
  CallRecordWorkerService,
} from '../src/calls/records/call-record.services.js';
import {
  CALL_RECORD_BATCH_JOB,
  CALL_RECORD_BATCH_MAX,
  CALL_RECORDS_QUEUE,
  callRecordBatchJobId,
  type CallRecordJob,
} from '../src/jobs/call-record-job.js';
import { CallRecordRepository } from '../src/repositories/call-record.repository.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

/**
 * Issue #21, batched call records through real Redis, BullMQ and PostgreSQL: the signalling role
 * publishes one job per CALL_RECORD_BATCH_MAX records (or per tick), the worker stores each record
 * once however often its batch runs, and a malformed record costs only itself.
 */
let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let config: SwitchboardConfig;
let publisher: CallRecordPublisherService;
let worker: CallRecordWorkerService;
let queue: Queue;
let events: QueueEvents;
const logLines: string[] = [];

function record(id: string, callerName = 'Alice'): CallRecordJob {
  return {
    id,
    callerNumber: '201',
    callerName,
    calleeNumber: '202',
    startedAt: '2026-12-07T04:00:00.000Z',
    endedAt: '2026-12-07T04:00:05.000Z',
    disposition: 'answered',
    legs: [{ target: 'sip:202@127.0.0.1:5092', startedAt: '2026-12-07T04:00:00.100Z', answered: true }],
  };
}

/** Waits for a job by id to be processed (QueueEvents, no polling). */
async function finished(jobId: string): Promise<void> {
  const job = await Job.fromId(queue, jobId);
  if (!job) throw new Error(`job ${jobId} not in the queue`);
  await job.waitUntilFinished(events, 20_000);
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  config = testConfig(db.url, {
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
  });
  const out = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logLines.push(chunk.toString());
      done();
    },
  });
  const logger = createLogger('test', { ...config, logLevel: 'warn', logFormat: 'json' }, out);
  const connection = { url: requiredEnv('REDIS_URL') };
  queue = new Queue(CALL_RECORDS_QUEUE, { connection, prefix: config.queuePrefix });
  events = new QueueEvents(CALL_RECORDS_QUEUE, { connection, prefix: config.queuePrefix });
  await events.waitUntilReady();
  publisher = new CallRecordPublisherService(config, logger);
  await publisher.onApplicationBootstrap();
  worker = new CallRecordWorkerService(config, logger, new CallRecordRepository(prisma));
  await worker.onApplicationBootstrap();
}, 60_000);

afterAll(async () => {
  await publisher?.onApplicationShutdown();
  await worker?.onApplicationShutdown();
  await events?.close();
  await queue?.obliterate({ force: true });
  await queue?.close();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('batched call records (write-behind)', () => {
  it('one job per CALL_RECORD_BATCH_MAX records of a burst; every record stored once', async () => {
    const burst = Array.from({ length: 150 }, (_, i) => record(`burst-${i}`));
    await Promise.all(burst.map((r) => publisher.publish(r)));
    const chunks = [burst.slice(0, 64), burst.slice(64, 128), burst.slice(128)];
    expect(CALL_RECORD_BATCH_MAX).toBe(64);
    for (const chunk of chunks) await finished(callRecordBatchJobId(chunk));
    const jobs = await queue.getJobs(['completed', 'waiting', 'active', 'delayed', 'failed']);
    const sizes = jobs
      .filter((j) => j.name === CALL_RECORD_BATCH_JOB)
      .map((j) => (j.data as { records: unknown[] }).records.length);
    expect(sizes.sort((a, b) => a - b)).toEqual([22, 64, 64]);
    expect(await prisma.callRecord.count({ where: { id: { startsWith: 'burst-' } } })).toBe(150);
  });

  it('a lone record goes in its own job within the tick', async () => {
    const started = performance.now();
    await publisher.publish(record('lone-1'));
    // CALL_RECORD_BATCH_MS is 100 ms; the bound leaves room for a loaded machine.
    expect(performance.now() - started).toBeLessThan(1000);
    await finished(callRecordBatchJobId([record('lone-1')]));
    expect(await prisma.callRecord.findUnique({ where: { id: 'lone-1' } })).not.toBeNull();
  });

  it('a batch run again stores nothing twice and keeps the rows it already stored', async () => {
    await publisher.publish(record('again-1'));
    await finished(callRecordBatchJobId([record('again-1')]));
    // A retry of a batch whose first attempt stored part of it (another job id: a re-publish).
    const retried = [record('again-1', 'Changed'), record('again-2')];
    await queue.add(CALL_RECORD_BATCH_JOB, { records: retried }, { jobId: 'retry-of-again' });
    await finished('retry-of-again');
    const rows = await prisma.callRecord.findMany({
      where: { id: { startsWith: 'again-' } },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.id, r.callerName])).toEqual([
      ['again-1', 'Alice'],
      ['again-2', 'Alice'],
    ]);
  });

  it('a malformed record is dropped with a log line naming it; its batch-mates are stored', async () => {
    const bad = { ...record('bad-1'), disposition: 'exploded' };
    await queue.add(
      CALL_RECORD_BATCH_JOB,
      { records: [record('mate-1'), bad, record('mate-2')] },
      { jobId: 'with-a-bad-record' },
    );
    await finished('with-a-bad-record');
    expect(await prisma.callRecord.count({ where: { id: { in: ['mate-1', 'mate-2', 'bad-1'] } } })).toBe(2);
    expect(
      logLines.some((l) => l.includes('invalid call record dropped') && l.includes('"callId":"bad-1"')),
    ).toBe(true);
  });
});

describe('CallRecordRepository.saveMany (one prepared INSERT)', () => {
  const full: CallRecordJob = {
    ...record('full-1'),
    sipCallId: 'abc@10.0.0.1',
    pluginId: 'extensions',
    answeredBy: '202',
    ringingAt: '2026-12-07T04:00:00.200Z',
    answeredAt: '2026-12-07T04:00:01.000Z',
    hangupCause: 'BYE',
    hangupSide: 'callee',
    direction: 'outbound',
    trunk: 'carrier',
    externalNumber: '+4930123',
    did: '+4930999',
    legs: [
      {
        target: 'sip:202@127.0.0.1:5092',
        startedAt: '2026-12-07T04:00:00.100Z',
        endedAt: '2026-12-07T04:00:05.000Z',
        status: 200,
        answered: true,
        sipCallId: 'leg@b2bua',
      },
    ],
    transfers: [
      {
        transferor: '202',
        transferee: '201',
        target: '203',
        at: '2026-12-07T04:00:03.000Z',
        status: 200,
        kind: 'blind',
      },
    ],
  };

  it('stores every field as the one-record upsert does (absent fields: nulls and defaults)', async () => {
    const repository = new CallRecordRepository(prisma);
    const minimal = record('minimal-1');
    await repository.saveMany([full, minimal]);
    await repository.save({ ...full, id: 'full-2' });
    await repository.save({ ...minimal, id: 'minimal-2' });
    const rows = await prisma.callRecord.findMany({
      where: { id: { in: ['full-1', 'full-2', 'minimal-1', 'minimal-2'] } },
      omit: { createdAt: true },
      orderBy: { id: 'asc' },
    });
    expect(rows).toHaveLength(4);
    const [full1, full2, minimal1, minimal2] = rows;
    expect({ ...full1, id: 'full-2' }).toEqual(full2);
    expect({ ...minimal1, id: 'minimal-2' }).toEqual(minimal2);
    expect(minimal1).toMatchObject({
      direction: 'internal',
      transfers: [],
      sipCallId: null,
      endedAt: new Date(minimal.endedAt),
    });
  });

  it('a record already stored, or twice in one batch, is stored once and kept as it was', async () => {
    const repository = new CallRecordRepository(prisma);
    await repository.saveMany([record('twice-1'), record('twice-1', 'Second')]);
    await repository.saveMany([record('twice-1', 'Third'), record('twice-2')]);
    const rows = await prisma.callRecord.findMany({
      where: { id: { startsWith: 'twice-' } },
      orderBy: { id: 'asc' },
    });
    expect(rows.map((r) => [r.id, r.callerName])).toEqual([
      ['twice-1', 'Alice'],
      ['twice-2', 'Alice'],
    ]);
  });
});
