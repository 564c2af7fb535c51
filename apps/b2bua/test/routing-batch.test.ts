import crypto from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { FakeClock } from '@switchboard/transactions';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallLatencyRecorder } from '../src/calls/call-latency.js';
import type { RoutingJob } from '../src/jobs/routing-job.js';
import { RoutingClientService, type RoutingOutcome } from '../src/routing/routing-client.service.js';
import { RoutingWorkerService } from '../src/routing/routing-worker.service.js';
import { WorkerModule } from '../src/worker.module.js';
import { routingJob } from './support/routing-jobs.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

/**
 * Issue #21, batched routing jobs through real Redis and BullMQ: the calls of one window travel in
 * one job, and each keeps its own outcome — a plan, a failing plugin, a CANCEL while the worker
 * runs it, a CANCEL inside the window, a timeout.
 */
const fixture = path.resolve(path.dirname(fileURLToPath(import.meta.url)), 'fixtures/behaviour-plugin.mjs');
const ROUTING_TIMEOUT_MS = 2500;

let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let redis: Redis;
let config: SwitchboardConfig;
let worker: INestApplicationContext;
let client: RoutingClientService;
/** The batching window's clock, moved by the test (the routing timeouts run on real time). */
const clock = new FakeClock();

const job = (destination: string): RoutingJob => routingJob(destination);

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  redis = new Redis(requiredEnv('REDIS_URL'));
  config = testConfig(db.url, {
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
    SWITCHBOARD_PLUGINS: `${fixture},@switchboard/plugin-extensions`,
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '10000',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: String(ROUTING_TIMEOUT_MS),
    SWITCHBOARD_ROUTING_BATCH_WINDOW_MS: '5',
  });
  await prisma.extension.create({ data: { number: '201', displayName: 'Bob' } });
  await prisma.pluginConfig.createMany({
    data: [
      { pluginId: 'extensions', enabled: true, config: { ringSeconds: 25 } },
      // 7001 answers after 4 s: longer than the routing timeout.
      { pluginId: 'behaviour', enabled: true, config: { delayMs: 4000 } },
    ],
  });
  const binding = {
    aor: 'sip:201@pbx.test',
    contact: 'sip:201@127.0.0.1:5090',
    expiresAt: Date.now() + 600_000,
    q: 1,
  };
  await redis.hset(redisKeys.registration('sip:201@pbx.test'), binding.contact, JSON.stringify(binding));
  const logger = createLogger('test', config);
  worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: false,
  });
  await worker.init();
  client = new RoutingClientService(config, logger, clock);
  await client.onApplicationBootstrap();
}, 60_000);

afterAll(async () => {
  await client?.onApplicationShutdown();
  await worker?.close();
  await redis?.del(redisKeys.registration('sip:201@pbx.test'));
  redis?.disconnect();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('batched routing jobs', () => {
  it('one job for a burst; every call its own outcome: plan, plugin failure, CANCEL, timeout', async () => {
    const routing = worker.get(RoutingWorkerService);
    const before = {
      processed: routing.processed,
      batches: routing.batchesProcessed,
      sent: { ...client.sent },
    };
    const runningCancel = new AbortController();
    const windowCancel = new AbortController();
    const started = performance.now();
    const timed = (p: Promise<RoutingOutcome>) =>
      p.then((outcome) => ({ outcome, ms: performance.now() - started }));
    // The first call of a burst finds the PBX idle and goes alone, at once; the rest share a window.
    clock.advance(100);
    const first = timed(client.requestPlan(job('999')));
    const plan = timed(client.requestPlan(job('201')));
    const failing = timed(client.requestPlan(job('7002')));
    const cancelledWhileRunning = timed(client.requestPlan(job('7001'), runningCancel.signal));
    const timedOut = timed(client.requestPlan(job('7001')));
    const cancelledInWindow = client.requestPlan(job('7001'), windowCancel.signal);
    await expect.poll(() => client.collecting).toBe(5);
    // A CANCEL inside the window: the call leaves the batch before it is sent.
    windowCancel.abort();
    expect(await cancelledInWindow).toEqual({ kind: 'cancelled' });
    expect(client.collecting).toBe(4);
    clock.advance(5);
    expect(client.collecting).toBe(0);

    expect((await first).outcome).toEqual({ kind: 'no-route' });
    expect((await plan).outcome).toMatchObject({ kind: 'plan', pluginId: 'extensions' });
    expect((await failing).outcome).toEqual({
      kind: 'plugin-failed',
      pluginId: 'behaviour',
      failure: 'threw',
      message: 'plugin "behaviour" threw an error',
    });
    // The batch's slow calls hold no other call back.
    expect((await plan).ms).toBeLessThan(ROUTING_TIMEOUT_MS);
    expect((await failing).ms).toBeLessThan(ROUTING_TIMEOUT_MS);
    // One single job, one batch of four; the call cancelled in its window never left.
    expect(client.sent).toEqual({
      single: before.sent.single + 1,
      batches: before.sent.batches + 1,
      batchedCalls: before.sent.batchedCalls + 4,
    });
    await expect.poll(() => routing.processed, { timeout: 5000 }).toBe(before.processed + 5);
    expect(routing.batchesProcessed).toBe(before.batches + 1);

    // A CANCEL while the worker runs that call's plugins: heard at once.
    const abortedAt = performance.now();
    runningCancel.abort();
    expect((await cancelledWhileRunning).outcome).toEqual({ kind: 'cancelled' });
    expect(performance.now() - abortedAt).toBeLessThan(1000);
    // Its neighbour in the batch waits its own bound and no longer.
    const timeout = await timedOut;
    expect(timeout.outcome).toEqual({ kind: 'timeout' });
    expect(timeout.ms).toBeGreaterThanOrEqual(ROUTING_TIMEOUT_MS - 50);
    expect(timeout.ms).toBeLessThan(ROUTING_TIMEOUT_MS + 2000);
    expect(client.backlog).toBe(0);
  }, 30_000);

  it('calls 10 ms apart each go alone, at once (an idle PBX adds no window); every routing stage is timed', async () => {
    const before = { ...client.sent };
    const latency = new CallLatencyRecorder();
    for (let i = 0; i < 3; i++) {
      clock.advance(10);
      expect(await client.requestPlan(job('201'), undefined, latency)).toMatchObject({ kind: 'plan' });
    }
    expect(client.sent).toEqual({ ...before, single: before.single + 3 });
    const stages = latency.takeSummary();
    // On the injected clock: no call waited in the batching window.
    expect(stages.routingBatch).toEqual({ count: 3, p50: 0, p95: 0, p99: 0 });
    // The worker's timestamps came back with each reply: pick-up, plan and reply are each timed.
    for (const stage of ['routingEnqueue', 'routingPickup', 'routingPlan', 'routingReply'] as const) {
      expect(stages[stage].count, stage).toBe(3);
      expect(Number.isFinite(stages[stage].p99), stage).toBe(true);
    }
  });

  it("a plugin's API is built once per chain entry and time zone, not per call", async () => {
    const apis = ((globalThis as { behaviourPluginApis?: { timeZone: string }[] }).behaviourPluginApis ??=
      []);
    apis.length = 0;
    const route = async () => {
      clock.advance(10);
      expect(await client.requestPlan(job('7004'))).toEqual({ kind: 'no-route' });
    };
    await route();
    await route();
    expect(apis).toHaveLength(2);
    expect(apis[1]).toBe(apis[0]);
    // The PBX time zone is read per call (no routing cache here): a new zone, a new API.
    await prisma.pbxSettings.upsert({
      where: { id: 1 },
      create: { timeZone: 'Europe/Berlin' },
      update: { timeZone: 'Europe/Berlin' },
    });
    await route();
    expect(apis[2]).not.toBe(apis[0]);
    expect(apis.map((a) => a.timeZone)).toEqual(['UTC', 'UTC', 'Europe/Berlin']);
  });
});
