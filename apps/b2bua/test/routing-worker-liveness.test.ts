import crypto from 'node:crypto';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { ROUTING_QUEUE, routingJobId, type RoutingJob } from '../src/jobs/routing-job.js';
import { ProcessHeartbeatService } from '../src/ops/process-heartbeat.service.js';
import { RoutingClientService } from '../src/routing/routing-client.service.js';
import {
  HEARTBEAT_ALIVE_MS,
  ProcessHeartbeat,
  liveProcessCount,
  processKey,
  processesKey,
} from '@switchboard/live-state';
import { OwnRedis } from './support/fault-servers.js';
import { routingJob } from './support/routing-jobs.js';
import { requiredEnv, testConfig } from './support/test-env.js';

/**
 * Issue #16 item 14 on real Redis and BullMQ (no worker process): with no routing worker's
 * heartbeat the call hears `no-worker` at once; with a heartbeat but nobody taking the job it
 * hears `not-picked-up` after SWITCHBOARD_ROUTING_PICKUP_MS (300 here), not after the 4 s timeout,
 * and the job is gone from the queue. routeCall turns both into the routing fallback
 * (calls-routing-fallback.test.ts).
 */
let redis: Redis;
let config: SwitchboardConfig;
let client: RoutingClientService;
let queue: Queue;
let silent: ProcessHeartbeat;

const job = (): RoutingJob => routingJob('201', { caller: { uri: 'sip:100@pbx.test', extension: '100' } });

beforeAll(async () => {
  redis = new Redis(requiredEnv('REDIS_URL'));
  config = testConfig('postgresql://unused.invalid/none', {
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '4000',
    SWITCHBOARD_ROUTING_PICKUP_MS: '300',
  });
  client = new RoutingClientService(config, createLogger('test', config));
  await client.onApplicationBootstrap();
  queue = new Queue(ROUTING_QUEUE, { connection: redis.duplicate(), prefix: config.queuePrefix });
  silent = new ProcessHeartbeat(
    redis,
    config.queuePrefix,
    { role: 'worker', pid: 1, host: 'silent', startedAt: Date.now(), version: 'test' },
    'silent',
  );
});

afterAll(async () => {
  await client.onApplicationShutdown();
  await redis.del(processesKey(config.queuePrefix, 'worker'), processKey(config.queuePrefix, silent.id));
  await queue.obliterate({ force: true }).catch(() => undefined);
  await queue.close();
  redis.disconnect();
});

describe('routing worker liveness (heartbeat and pick-up bound)', () => {
  it('no worker alive: no-worker at once, nothing enqueued', async () => {
    const j = job();
    const started = performance.now();
    expect(await client.requestPlan(j)).toEqual({ kind: 'no-worker' });
    expect(performance.now() - started).toBeLessThan(200);
    expect(await queue.getJobState(routingJobId(j.call.callId, 0))).toBe('unknown');
  });

  it('a live heartbeat but nobody takes the job: not-picked-up after the bound, the job removed', async () => {
    await silent.beat();
    expect(await liveProcessCount(redis, config.queuePrefix, 'worker')).toBe(1);
    const j = job();
    const started = performance.now();
    expect(await client.requestPlan(j)).toEqual({ kind: 'not-picked-up', waitedMs: 300 });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(290);
    expect(waited).toBeLessThan(2000);
    expect(await queue.getJobState(routingJobId(j.call.callId, 0))).toBe('unknown');
  });

  it('a heartbeat older than the alive window or removed on stop no longer counts', async () => {
    const key = processesKey(config.queuePrefix, 'worker');
    await redis.zadd(key, Date.now() - HEARTBEAT_ALIVE_MS - 5000, 'stale-worker');
    await silent.leave();
    expect(await liveProcessCount(redis, config.queuePrefix, 'worker')).toBe(0);
    // The client polls heartbeats once a second; until then a job is caught by the pick-up bound.
    await vi.waitFor(async () => expect(await client.requestPlan(job())).toEqual({ kind: 'no-worker' }), {
      timeout: 3000,
      interval: 100,
    });
  });
});

describe('routing worker liveness across a Redis restart', () => {
  let own: OwnRedis;
  let ownClient: RoutingClientService;
  let ownRedis: Redis;
  let ownConfig: SwitchboardConfig;

  beforeAll(async () => {
    own = await OwnRedis.start();
    ownRedis = new Redis(own.url, { maxRetriesPerRequest: null });
    ownRedis.on('error', () => undefined); // refused while the server restarts
    ownConfig = testConfig('postgresql://unused.invalid/none', {
      REDIS_URL: own.url,
      SWITCHBOARD_ROUTING_TIMEOUT_MS: '4000',
      SWITCHBOARD_ROUTING_PICKUP_MS: '300',
    });
    ownClient = new RoutingClientService(ownConfig, createLogger('test', ownConfig));
    await ownClient.onApplicationBootstrap();
  });

  afterAll(async () => {
    await ownClient?.onApplicationShutdown();
    ownRedis?.disconnect();
    await own?.stop();
  });

  it('a worker beats as soon as Redis is back, so the call takes the queue; with no worker beating, no-worker at once', async () => {
    // A worker's heartbeat service with no periodic timer (not bootstrapped): only its beat on the
    // reconnect can make it alive again after the outage.
    const heartbeat = new ProcessHeartbeatService(ownConfig, createLogger('test', ownConfig), 'worker');
    try {
      await heartbeat.beat();
      expect(await liveProcessCount(ownRedis, ownConfig.queuePrefix, 'worker')).toBe(1);
      // Down longer than the alive window: the beat from before the outage is stale when Redis is back.
      await own.restart(HEARTBEAT_ALIVE_MS + 200);
      await vi.waitFor(
        async () => expect(await liveProcessCount(ownRedis, ownConfig.queuePrefix, 'worker')).toBe(1),
        { timeout: 5000, interval: 50 },
      );
      expect(await ownClient.requestPlan(job())).toEqual({ kind: 'not-picked-up', waitedMs: 300 });
    } finally {
      await heartbeat.onApplicationShutdown();
    }
    // The worker left: once the client's poll has seen it, no worker is believed at once, also right
    // after a Redis restart (the heartbeats, not a grace window, say whether a worker runs).
    await vi.waitFor(async () => expect(await ownClient.requestPlan(job())).toEqual({ kind: 'no-worker' }), {
      timeout: 3000,
      interval: 100,
    });
    await own.restart(100);
    expect(await ownClient.requestPlan(job())).toEqual({ kind: 'no-worker' });
  });
});
