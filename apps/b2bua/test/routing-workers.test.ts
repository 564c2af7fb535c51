import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { once } from 'node:events';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingJob } from '../src/jobs/routing-job.js';
import { RoutingClientService, type RoutingOutcome } from '../src/services/routing-client.service.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

/**
 * Scale-out of the routing queue with real processes: worker processes started on their own
 * (`node dist/main.js worker`, as an operator runs them on any host) share one BullMQ queue with
 * the signalling side's client (here in the test process). Plugin failures inside a worker
 * process come back as `plugin-failed` (the signalling side applies its fallback) and are logged.
 */
const here = path.dirname(fileURLToPath(import.meta.url));
const main = path.resolve(here, '../dist/main.js');
const fixture = path.resolve(here, 'fixtures/routing-workers-plugin.mjs');

interface WorkerProcess {
  readonly child: ChildProcess;
  readonly lines: string[];
  waitFor(re: RegExp): Promise<string>;
}

let db: { url: string; drop: () => Promise<void> };
let config: SwitchboardConfig;
let client: RoutingClientService;
const workers: WorkerProcess[] = [];

function startWorker(env: NodeJS.ProcessEnv): WorkerProcess {
  const child = spawn(process.execPath, [main, 'worker'], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines: string[] = [];
  let waiters: { re: RegExp; resolve: (line: string) => void }[] = [];
  const onData = (chunk: Buffer): void => {
    for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
      lines.push(line);
      const hit = waiters.filter((w) => w.re.test(line));
      waiters = waiters.filter((w) => !hit.includes(w));
      for (const w of hit) w.resolve(line);
    }
  };
  child.stdout.on('data', onData);
  child.stderr.on('data', onData);
  return {
    child,
    lines,
    waitFor: (re) =>
      new Promise((resolve, reject) => {
        const seen = lines.find((l) => re.test(l));
        if (seen) return resolve(seen);
        waiters.push({ re, resolve });
        child.once('exit', (code) =>
          reject(new Error(`worker exited (${code}) before ${re}:\n${lines.join('\n')}`)),
        );
      }),
  };
}

function job(destination: string): RoutingJob {
  return {
    attempt: 0,
    call: {
      callId: `${crypto.randomUUID()}@caller.test`,
      caller: { uri: 'sip:100@pbx.test', displayName: 'Alice', extension: '100' },
      destination,
      requestUri: `sip:${destination}@pbx.test`,
      receivedAt: new Date().toISOString(),
      history: [],
    },
  };
}

/** The pid of the worker process that computed a 7100 plan. */
function workerPid(result: RoutingOutcome): number {
  if (result.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(result)}`);
  const step = result.plan.steps[0];
  const reason = step?.type === 'reject' ? (step.reason ?? '') : '';
  return Number(/^worker (\d+)$/.exec(reason)?.[1]);
}

beforeAll(async () => {
  db = await createTestDatabase();
  const prefix = `test-${crypto.randomBytes(4).toString('hex')}`;
  const env = {
    PATH: process.env.PATH,
    DATABASE_URL: db.url,
    REDIS_URL: requiredEnv('REDIS_URL'),
    SWITCHBOARD_QUEUE_PREFIX: prefix,
    SWITCHBOARD_PLUGINS: `${fixture},@switchboard/plugin-extensions`,
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '300',
    // One job at a time per process, so a burst has to be shared.
    SWITCHBOARD_ROUTING_CONCURRENCY: '1',
    SWITCHBOARD_LOG_LEVEL: 'info',
  };
  for (let i = 0; i < 2; i++) workers.push(startWorker(env));
  await Promise.all(workers.map((w) => w.waitFor(/routing worker ready/)));
  config = testConfig(db.url, { SWITCHBOARD_QUEUE_PREFIX: prefix, SWITCHBOARD_ROUTING_TIMEOUT_MS: '10000' });
  client = new RoutingClientService(config, createLogger('test', config));
  await client.onApplicationBootstrap();
}, 60_000);

afterAll(async () => {
  await client?.onApplicationShutdown();
  for (const w of workers) if (w.child.exitCode === null) w.child.kill('SIGKILL');
  await db?.drop();
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

  it('a plugin that throws: plugin-failed(threw) with its message, logged; the worker keeps serving', async () => {
    const failing = job('7102');
    expect(await client.requestPlan(failing)).toEqual({
      kind: 'plugin-failed',
      pluginId: 'routing-workers-fixture',
      failure: 'threw',
      message: 'plugin "routing-workers-fixture" threw: directory unreachable',
    });
    await Promise.race(workers.map((w) => w.waitFor(new RegExp(failing.call.callId))));
    expect(workers.map((w) => w.child.pid)).toContain(workerPid(await client.requestPlan(job('7100'))));
  });

  it('one worker process stops (SIGTERM): the other serves every call, none is lost', async () => {
    const [stopping, staying] = workers as [WorkerProcess, WorkerProcess];
    stopping.child.kill('SIGTERM');
    const [code] = (await once(stopping.child, 'exit')) as [number | null];
    expect(code).toBe(0);
    const results = await Promise.all(Array.from({ length: 10 }, () => client.requestPlan(job('7100'))));
    expect(results.map(workerPid)).toEqual(Array.from({ length: 10 }, () => staying.child.pid));
  });
});
