import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROUTING_QUEUE, routingJobId, type RoutingJob } from '../src/jobs/routing-job.js';
import { DirectoryRepository } from '../src/repositories/directory.repository.js';
import { CallRecordPublisherService } from '../src/calls/records/call-record.services.js';
import { RoutingClientService } from '../src/routing/routing-client.service.js';
import { RoutingWorkerService } from '../src/routing/routing-worker.service.js';
import { WorkerModule } from '../src/worker.module.js';
import { routingJob } from './support/routing-jobs.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/behaviour-plugin.mjs');

let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let redis: Redis;
let config: SwitchboardConfig;
const workers: INestApplicationContext[] = [];
let client: RoutingClientService;
let publisher: CallRecordPublisherService;

const job = (destination: string, overrides: Partial<RoutingJob['call']> = {}): RoutingJob =>
  routingJob(destination, overrides);

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  redis = new Redis(requiredEnv('REDIS_URL'));
  config = testConfig(db.url, {
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
    SWITCHBOARD_PLUGINS: `${fixture},@switchboard/plugin-extensions`,
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '5000',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '4000',
    // One job per call: this file covers the per-call path (batches: routing-batch.test.ts).
    SWITCHBOARD_ROUTING_BATCH_WINDOW_MS: '0',
  });
  await prisma.extension.create({ data: { number: '201', displayName: 'Bob', maxConcurrentCalls: 2 } });
  await prisma.extension.create({ data: { number: '202', displayName: 'Carol' } });
  await prisma.pluginConfig.create({
    data: { pluginId: 'extensions', enabled: true, config: { ringSeconds: 25 } },
  });
  const binding = {
    aor: 'sip:201@pbx.test',
    contact: 'sip:201@127.0.0.1:5090',
    expiresAt: Date.now() + 600_000,
    q: 1,
  };
  await redis.hset(redisKeys.registration('sip:201@pbx.test'), binding.contact, JSON.stringify(binding));

  const logger = createLogger('test', config);
  // Two worker processes' worth of workers sharing one queue (scale-out).
  for (let i = 0; i < 2; i++) {
    const ctx = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
      logger: false,
    });
    await ctx.init();
    workers.push(ctx);
  }
  client = new RoutingClientService(config, logger);
  await client.onApplicationBootstrap();
  publisher = new CallRecordPublisherService(config, createLogger('test', config));
  await publisher.onApplicationBootstrap();
});

afterAll(async () => {
  await client?.onApplicationShutdown();
  await publisher?.onApplicationShutdown();
  for (const w of workers) await w.close();
  await redis?.del(redisKeys.registration('sip:201@pbx.test'));
  redis?.disconnect();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('routing through the BullMQ queue', () => {
  it('a registered extension gets the extensions plugin plan, with its stored config', async () => {
    expect(await client.requestPlan(job('201'))).toEqual({
      kind: 'plan',
      pluginId: 'extensions',
      plan: {
        steps: [
          {
            type: 'dial',
            mode: 'parallel',
            targets: [{ kind: 'extension', extension: '201' }],
            ringTimeoutSeconds: 25,
            onFailure: {},
          },
        ],
      },
    });
  });

  it('a routed call leaves no job in Redis: its plan came on the reply channel', async () => {
    const routed = job('201');
    expect(await client.requestPlan(routed)).toMatchObject({ kind: 'plan', pluginId: 'extensions' });
    const queue = new Queue(ROUTING_QUEUE, { connection: redis.duplicate(), prefix: config.queuePrefix });
    try {
      // The reply and BullMQ's finishing script travel apart: the job may go a moment after the plan.
      const id = routingJobId(routed.call.callId, routed.attempt);
      await expect.poll(() => queue.getJobState(id), { timeout: 5000 }).toBe('unknown');
      expect(await queue.getCompletedCount()).toBe(0);
    } finally {
      await queue.close();
    }
  });

  it('an extension that is not registered gets 480', async () => {
    expect(await client.requestPlan(job('202'))).toMatchObject({
      kind: 'plan',
      plan: { steps: [{ type: 'reject', status: 480 }] },
    });
  });

  it('an unknown destination passes every plugin: no-route', async () => {
    expect(await client.requestPlan(job('999'))).toEqual({ kind: 'no-route' });
  });

  it('a throwing plugin gives plugin-failed (the call gets the fallback, not lost)', async () => {
    expect(await client.requestPlan(job('7002'))).toEqual({
      kind: 'plugin-failed',
      pluginId: 'behaviour',
      failure: 'threw',
      message: 'plugin "behaviour" threw an error',
    });
  });

  it('an invalid plan gives plugin-failed(invalid-plan)', async () => {
    expect(await client.requestPlan(job('7003'))).toMatchObject({
      kind: 'plugin-failed',
      failure: 'invalid-plan',
    });
  });

  it('a CANCEL while the job runs returns at once and the late plan is discarded', async () => {
    const abort = new AbortController();
    const processed = (): number => workers.reduce((n, w) => n + w.get(RoutingWorkerService).processed, 0);
    const before = processed();
    const pending = client.requestPlan(job('7001'), abort.signal);
    // Cancel once a worker runs the job, as a caller's CANCEL would arrive while routing.
    await expect.poll(processed).toBe(before + 1);
    const started = Date.now();
    abort.abort();
    expect(await pending).toEqual({ kind: 'cancelled' });
    expect(Date.now() - started).toBeLessThan(1000);
  });

  it('two workers share the queue', async () => {
    const before = workers.map((w) => w.get(RoutingWorkerService).processed);
    const results = await Promise.all(Array.from({ length: 40 }, () => client.requestPlan(job('201'))));
    expect(results.every((r) => r.kind === 'plan')).toBe(true);
    const done = workers.map((w, i) => w.get(RoutingWorkerService).processed - (before[i] ?? 0));
    expect(done.reduce((a, b) => a + b, 0)).toBe(40);
    expect(done.every((n) => n > 0)).toBe(true);
  });

  it('a call record is written once, however often it is published', async () => {
    const id = `${crypto.randomUUID()}@caller.test`;
    const record = {
      id,
      callerNumber: '100',
      calleeNumber: '201',
      answeredBy: '201',
      startedAt: '2026-11-26T10:00:00.000Z',
      ringingAt: '2026-11-26T10:00:00.200Z',
      answeredAt: '2026-11-26T10:00:03.000Z',
      endedAt: '2026-11-26T10:01:00.000Z',
      disposition: 'answered' as const,
      hangupCause: 'BYE',
      hangupSide: 'caller' as const,
      legs: [
        {
          target: 'sip:201@127.0.0.1:5090',
          startedAt: '2026-11-26T10:00:00.100Z',
          status: 200,
          answered: true,
        },
      ],
    };
    await publisher.publish(record);
    await publisher.publish(record);
    await expect.poll(() => prisma.callRecord.count({ where: { id } }), { timeout: 10_000 }).toBe(1);
    const row = await prisma.callRecord.findUniqueOrThrow({ where: { id } });
    expect(row).toMatchObject({ calleeNumber: '201', disposition: 'answered', hangupSide: 'caller' });
    expect(row.answeredAt?.toISOString()).toBe('2026-11-26T10:00:03.000Z');
  });
});

describe('routing timeouts', () => {
  it('the signalling side stops waiting after SWITCHBOARD_ROUTING_TIMEOUT_MS', async () => {
    const short = testConfig(db.url, {
      SWITCHBOARD_QUEUE_PREFIX: config.queuePrefix,
      SWITCHBOARD_ROUTING_TIMEOUT_MS: '300',
    });
    const impatient = new RoutingClientService(short, createLogger('test', short));
    await impatient.onApplicationBootstrap();
    try {
      expect(await impatient.requestPlan(job('7001'))).toEqual({ kind: 'timeout' });
    } finally {
      await impatient.onApplicationShutdown();
    }
  });
});

describe('directory for plugins', () => {
  it('reads ring groups with ordered members and follow-me steps from PostgreSQL', async () => {
    const ctx = workers[0];
    if (!ctx) throw new Error('no worker');
    const directory = ctx.get(DirectoryRepository);
    const [bob, carol] = await Promise.all([
      prisma.extension.findUniqueOrThrow({ where: { number: '201' } }),
      prisma.extension.findUniqueOrThrow({ where: { number: '202' } }),
    ]);
    await prisma.ringGroup.create({
      data: {
        number: '600',
        name: 'Sales',
        strategy: 'hunt',
        ringTimeSeconds: 40,
        memberRingSeconds: 10,
        fallbackKind: 'voicemail',
        fallbackTarget: '201',
        callerIdPrefix: 'Sales: ',
        members: {
          create: [
            { extensionId: carol.id, position: 0 },
            { extensionId: bob.id, position: 1, ringSeconds: 5 },
          ],
        },
      },
    });
    await prisma.extension.update({ where: { id: bob.id }, data: { followMeEnabled: true } });
    await prisma.followMeStep.create({
      data: { extensionId: bob.id, position: 0, targets: ['201', '+4930123456'], ringSeconds: 15 },
    });
    expect(await directory.ringGroup('600')).toEqual({
      number: '600',
      name: 'Sales',
      enabled: true,
      strategy: 'hunt',
      ringTimeSeconds: 40,
      memberRingSeconds: 10,
      members: [{ extension: '202' }, { extension: '201', ringSeconds: 5 }],
      fallback: { kind: 'voicemail', target: '201' },
      callerIdPrefix: 'Sales: ',
    });
    expect(await directory.followMe('201')).toEqual({
      extension: '201',
      enabled: true,
      steps: [{ targets: ['201', '+4930123456'], ringSeconds: 15 }],
      // Not configured: the extension's own mailbox, as before final destinations existed.
      finalDestination: { kind: 'voicemail', target: '201' },
    });
    expect(await directory.ringGroup('601')).toBeUndefined();
  });
});
