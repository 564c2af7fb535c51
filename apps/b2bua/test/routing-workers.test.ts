import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger } from '@switchboard/config';
import { redisKeys } from '@switchboard/live-state';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingJob } from '../src/jobs/routing-job.js';
import { RoutingClientService, type RoutingOutcome } from '../src/routing/routing-client.service.js';
import { killAllSipp, sippCallAnswered } from './support/calls-harness.js';
import { spawnLogged, type LoggedProcess } from './support/logged-process.js';
import { routingJob } from './support/routing-jobs.js';
import { startSignalling, type SignallingHarness } from './support/sip-test-kit.js';
import { requiredEnv } from './support/test-env.js';

/**
 * Scale-out of the routing queue with real processes: worker processes started on their own
 * (`node dist/main.js worker`, as an operator runs them on any host) share one BullMQ queue with
 * the signalling role (in this process, no worker of its own) and a routing client. Plugin failures
 * inside a worker process come back as `plugin-failed`, are logged there, and a call through the
 * signalling role gets the configured routing fallback.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.resolve(here, '../dist/main.js');
const fixture = path.resolve(here, 'fixtures/routing-workers-plugin.mjs');

let h: SignallingHarness;
let client: RoutingClientService;
const workers: LoggedProcess[] = [];

function startWorker(env: NodeJS.ProcessEnv): LoggedProcess {
  return spawnLogged(process.execPath, [main, 'worker'], env);
}

const job = (destination: string): RoutingJob => routingJob(destination);

/** The pid of the worker process that computed a 7100 plan. */
function workerPid(result: RoutingOutcome): number {
  if (result.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(result)}`);
  const step = result.plan.steps[0];
  const reason = step?.type === 'reject' ? (step.reason ?? '') : '';
  return Number(/^worker (\d+)$/.exec(reason)?.[1]);
}

beforeAll(async () => {
  h = await startSignalling({
    SWITCHBOARD_ROUTING_FALLBACK: 'extension:8701',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '10000',
    // Bursts of 40 jobs on workers of concurrency 1 wait in the queue on purpose: above the pick-up
    // bound (default 500 ms) they would get `not-picked-up` instead of sharing the burst.
    SWITCHBOARD_ROUTING_PICKUP_MS: '10000',
    // One job per call: the bursts here test how jobs are shared between worker processes (a batch
    // is one job: routing-batch.test.ts).
    SWITCHBOARD_ROUTING_BATCH_WINDOW_MS: '0',
    // sipp answers only the first challenge and only knows MD5 (both are still offered).
    SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256',
  });
  await h.addExtension('8700', 'pw-8700');
  await h.addExtension('8701', 'pw-8701');
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: h.config.databaseUrl,
    REDIS_URL: requiredEnv('REDIS_URL'),
    SWITCHBOARD_SIP_DOMAIN: h.domain,
    SWITCHBOARD_QUEUE_PREFIX: h.config.queuePrefix,
    SWITCHBOARD_PLUGINS: `${fixture},@switchboard/plugin-extensions`,
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '300',
    // One job at a time per process, so a burst has to be shared.
    SWITCHBOARD_ROUTING_CONCURRENCY: '1',
    SWITCHBOARD_LOG_LEVEL: 'info',
  };
  for (let i = 0; i < 2; i++) workers.push(startWorker(env));
  await Promise.all(workers.map((w) => w.waitFor(/routing worker ready/)));
  client = new RoutingClientService(h.config, createLogger('test', h.config));
  await client.onApplicationBootstrap();
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await client?.onApplicationShutdown();
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await h?.redis.del(redisKeys.registration(`sip:8701@${h.domain}`));
  await h?.close();
});

describe('routing worker processes sharing the queue', () => {
  it('two worker processes started on their own both take jobs from one queue', async () => {
    const results = await Promise.all(Array.from({ length: 40 }, () => client.requestPlan(job('7100'))));
    const pids = results.map(workerPid);
    const counts = workers.map((w) => pids.filter((p) => p === w.child.pid).length);
    // Every plan came from one of the two processes, and each process did part of the work.
    expect(counts.reduce((a, b) => a + b, 0)).toBe(40);
    expect(counts.every((n) => n > 0)).toBe(true);
  });

  it('a plugin over its time budget: plugin-failed(timeout), logged with the call id by the worker', async () => {
    const slow = job('7101');
    const result = await client.requestPlan(slow);
    expect(result).toMatchObject({
      kind: 'plugin-failed',
      pluginId: 'routing-workers-fixture',
      failure: 'timeout',
    });
    const logged = await Promise.race(workers.map((w) => w.waitFor(new RegExp(slow.call.callId))));
    expect(logged).toContain('routing plugin failed');
    expect(JSON.parse(logged)).toMatchObject({
      callId: slow.call.callId,
      pluginId: 'routing-workers-fixture',
      failure: 'timeout',
    });
  });

  it('a plugin that throws: plugin-failed(threw) without its error text, which is logged; the worker keeps serving', async () => {
    const failing = job('7102');
    expect(await client.requestPlan(failing)).toEqual({
      kind: 'plugin-failed',
      pluginId: 'routing-workers-fixture',
      failure: 'threw',
      message: 'plugin "routing-workers-fixture" threw an error',
    });
    const logged = await Promise.race(workers.map((w) => w.waitFor(new RegExp(failing.call.callId))));
    expect(logged).toContain('directory unreachable');
    expect(workers.map((w) => w.child.pid)).toContain(workerPid(await client.requestPlan(job('7100'))));
  });

  it('a call whose plugin runs over its budget in a worker process gets the routing fallback; the worker logs it', async () => {
    const rec = await sippCallAnswered(h, { caller: '8700', dialled: '7101', callee: '8701' });
    expect(rec).toMatchObject({ callerNumber: '8700', answeredBy: '8701', disposition: 'answered' });
    // The routing job carries the call's id: the worker process that ran it logged the failure.
    const logged = await Promise.race(workers.map((w) => w.waitFor(new RegExp(rec.id))));
    expect(JSON.parse(logged)).toMatchObject({
      msg: 'routing plugin failed',
      callId: rec.id,
      pluginId: 'routing-workers-fixture',
      failure: 'timeout',
    });
  });

  it('one worker process stops (SIGTERM): the other serves every call, none is lost', async () => {
    const [stopping, staying] = workers as [LoggedProcess, LoggedProcess];
    stopping.child.kill('SIGTERM');
    const [code] = (await once(stopping.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.requestPlan(job('7100'))));
    expect(results.map(workerPid)).toEqual(Array.from({ length: 10 }, () => staying.child.pid));
  });
});
