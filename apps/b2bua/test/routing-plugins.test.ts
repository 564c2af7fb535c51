// The shipped routing plugins through the real queue: a third-party plugin loaded by package name
// from SWITCHBOARD_PLUGINS (nothing in the app imports it), ring groups and follow-me read from
// PostgreSQL rows, registrations and busy lines from Redis, round-robin memory in Redis.
import crypto from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, seed, type PrismaClient } from '@switchboard/db';
import { pluginStatusOf, readProcesses, redisKeys } from '@switchboard/live-state';
import { simulatePlan } from '@switchboard/plugin-sdk/testkit';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RoutingJob } from '../src/jobs/routing-job.js';
import { PluginStateRepository } from '../src/repositories/plugin-state.repository.js';
import { RoutingClientService } from '../src/routing/routing-client.service.js';
import { WorkerModule } from '../src/worker.module.js';
import { PLUGIN_REGISTRY } from '../src/tokens.js';
import { ProcessHeartbeatService } from '../src/ops/process-heartbeat.service.js';
import type { LivePluginRegistry } from '../src/routing/plugin-registry.factory.js';
import { routingJob } from './support/routing-jobs.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

// Numbers and domain of their own: Redis keys of registrations and busy lines are not prefixed.
const DOMAIN = 'plugins.test';
const REGISTERED = ['4201', '4202', '4203', '4205'];
const ROUND_ROBIN_KEY = redisKeys.pluginState('ring-group', 'roundrobin:last-answered:4601');

let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let redis: Redis;
let config: SwitchboardConfig;
let worker: INestApplicationContext;
let client: RoutingClientService;

const job = (destination: string, callerUri = `sip:4299@${DOMAIN}`): RoutingJob =>
  routingJob(destination, { domain: DOMAIN, caller: { uri: callerUri, displayName: 'Alice' } });

async function planOf(destination: string, callerUri?: string) {
  const result = await client.requestPlan(job(destination, callerUri));
  if (result.kind !== 'plan') throw new Error(`expected a plan, got ${JSON.stringify(result)}`);
  return result;
}

async function setUpDirectory(): Promise<void> {
  const ext = async (number: string, data: object = {}) =>
    (await prisma.extension.create({ data: { number, displayName: `User ${number}`, ...data } })).id;
  const ids: Record<string, string> = {};
  for (const n of ['4201', '4202', '4203', '4204']) ids[n] = await ext(n);
  ids['4205'] = await ext('4205', { maxConcurrentCalls: 1 });
  await prisma.voicemailBox.create({ data: { extensionId: ids['4201'] ?? '' } });
  const members = (numbers: string[]) => ({
    create: numbers.map((n, position) => ({ extensionId: ids[n] ?? '', position })),
  });
  await prisma.ringGroup.create({
    data: {
      number: '4600',
      name: 'Sales',
      strategy: 'ringall',
      ringTimeSeconds: 25,
      callerIdPrefix: 'Sales: ',
      fallbackKind: 'voicemail',
      fallbackTarget: '4201',
      members: members(['4201', '4202', '4203', '4204', '4205']),
    },
  });
  await prisma.ringGroup.create({
    data: {
      number: '4601',
      name: 'Support',
      strategy: 'roundrobin',
      ringTimeSeconds: 60,
      memberRingSeconds: 12,
      fallbackKind: 'extension',
      fallbackTarget: '4202',
      members: members(['4201', '4202', '4203']),
    },
  });
  await prisma.ringGroup.create({
    data: {
      number: '4602',
      name: 'Escalation',
      strategy: 'memoryhunt',
      ringTimeSeconds: 30,
      memberRingSeconds: 10,
      fallbackKind: 'ring_group',
      fallbackTarget: '4600',
      members: members(['4203', '4202', '4201']),
    },
  });
  await prisma.extension.update({ where: { number: '4201' }, data: { followMeEnabled: true } });
  await prisma.followMeStep.createMany({
    data: [
      { extensionId: ids['4201'] ?? '', position: 0, targets: ['4201'], ringSeconds: 15 },
      {
        extensionId: ids['4201'] ?? '',
        position: 1,
        targets: ['4201', '+4915112345', 'sip:bob@softphone.example'],
        ringSeconds: 20,
      },
    ],
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  redis = new Redis(requiredEnv('REDIS_URL'));
  config = testConfig(db.url, {
    SWITCHBOARD_SIP_DOMAIN: DOMAIN,
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
    // By package name, exactly as an operator configures a plugin installed next to the app.
    SWITCHBOARD_PLUGINS: [
      '@switchboard/plugin-example-blocklist',
      '@switchboard/plugin-ring-group',
      '@switchboard/plugin-find-me',
      '@switchboard/plugin-extensions',
    ].join(','),
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '5000',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '5000',
  });
  // The first-run rows of the first-party plugins, so their seeded config must validate at boot.
  await seed(prisma);
  await prisma.pluginConfig.create({
    data: {
      pluginId: 'blocklist',
      enabled: true,
      config: { numbers: ['+4930666*'], status: 403, reason: 'Blocked' },
    },
  });
  await setUpDirectory();
  for (const n of REGISTERED) {
    const aor = `sip:${n}@${DOMAIN}`;
    const contact = `sip:${n}@127.0.0.1:5090`;
    await redis.hset(
      redisKeys.registration(aor),
      contact,
      JSON.stringify({ aor, contact, expiresAt: Date.now() + 600_000, q: 1 }),
    );
  }
  await redis.zadd(redisKeys.extensionCalls('4205'), Date.now(), 'call-in-progress');
  await redis.del(ROUND_ROBIN_KEY);

  const logger = createLogger('test', config);
  // abortOnError: a start-up error (e.g. a plugin that cannot be loaded) fails the test with its message.
  worker = await NestFactory.createApplicationContext(WorkerModule.forRoot(config, logger), {
    logger: false,
    abortOnError: false,
  });
  await worker.init();
  client = new RoutingClientService(config, logger);
  await client.onApplicationBootstrap();
});

afterAll(async () => {
  await client?.onApplicationShutdown();
  await worker?.close();
  await redis?.del(
    ...REGISTERED.map((n) => redisKeys.registration(`sip:${n}@${DOMAIN}`)),
    redisKeys.extensionCalls('4205'),
    ROUND_ROBIN_KEY,
  );
  redis?.disconnect();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('plugins loaded by name through SWITCHBOARD_PLUGINS', () => {
  it('builds the chain in the configured order, with the seeded and stored configuration', () => {
    const registry = worker.get<LivePluginRegistry>(PLUGIN_REGISTRY).current;
    expect(registry.chain.map((p) => p.plugin.id)).toEqual([
      'blocklist',
      'ring-group',
      'find-me',
      'extensions',
    ]);
    expect(registry.get('blocklist')?.config).toEqual({
      numbers: ['+4930666*'],
      blockAnonymous: false,
      status: 403,
      reason: 'Blocked',
    });
  });

  it('the third-party blocklist decides a call from a blocked number', async () => {
    expect(await planOf('4600', 'sip:+4930666123@trunk.example')).toEqual({
      pluginId: 'blocklist',
      kind: 'plan',
      plan: { steps: [{ type: 'reject', status: 403, reason: 'Blocked' }] },
    });
  });

  it('publishes every manifest for the admin plugin page', async () => {
    const ids = Object.keys(await redis.hgetall(redisKeys.pluginManifests));
    expect(ids).toEqual(expect.arrayContaining(['blocklist', 'ring-group', 'find-me', 'extensions']));
  });
});

describe('plugin configuration applied without a restart', () => {
  /** What the admin app does on save: rows first, then bump the revision and announce it. */
  async function saveBlocklist(data: { enabled: boolean; config: object }): Promise<number> {
    await prisma.pluginConfig.update({ where: { pluginId: 'blocklist' }, data });
    const revision = await redis.incr(redisKeys.pluginConfigRevision);
    await redis.publish(redisKeys.pluginConfigChanged, String(revision));
    return revision;
  }

  async function workerStatus() {
    const id = worker.get(ProcessHeartbeatService).id;
    const me = (await readProcesses(redis, config.queuePrefix)).find((p) => p.id === id);
    return me === undefined ? null : pluginStatusOf(me);
  }

  it('a saved change reaches the running worker, which reports the revision it runs', async () => {
    const disabled = await saveBlocklist({
      enabled: false,
      config: { numbers: ['+4930666*'], status: 403, reason: 'Blocked' },
    });
    await expect.poll(async () => (await workerStatus())?.revision, { timeout: 5_000 }).toBe(disabled);
    // The blocklist left the chain: the call goes on to the ring group.
    expect((await planOf('4600', 'sip:+4930666123@trunk.example')).pluginId).toBe('ring-group');

    const enabled = await saveBlocklist({
      enabled: true,
      config: { numbers: ['+4930666*'], status: 486, reason: 'Not Today' },
    });
    await expect.poll(async () => (await workerStatus())?.revision, { timeout: 5_000 }).toBe(enabled);
    expect((await planOf('4600', 'sip:+4930666123@trunk.example')).plan).toEqual({
      steps: [{ type: 'reject', status: 486, reason: 'Not Today' }],
    });
    const manifest = JSON.parse((await redis.hget(redisKeys.pluginManifests, 'blocklist')) ?? '{}') as object;
    expect(manifest).toMatchObject({ id: 'blocklist', enabled: true });
  });

  it('a configuration the plugin rejects keeps the previous chain and is reported', async () => {
    const before = (await workerStatus())?.revision;
    const bad = await saveBlocklist({ enabled: true, config: { numbers: ['+4930666*'], status: 200 } });
    await expect.poll(async () => (await workerStatus())?.error, { timeout: 5_000 }).toMatch(/blocklist/);
    expect((await workerStatus())?.revision).toBe(before);
    expect(bad).toBeGreaterThan(before ?? 0);
    expect((await planOf('4600', 'sip:+4930666123@trunk.example')).plan).toEqual({
      steps: [{ type: 'reject', status: 486, reason: 'Not Today' }],
    });
  });
});

describe('ring groups from PostgreSQL through the queue', () => {
  it('ringall: registered, free members at once with the prefix; busy and unregistered ones skipped', async () => {
    const result = await planOf('4600');
    expect(result.pluginId).toBe('ring-group');
    expect(result.plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'parallel',
        targets: ['4201', '4202', '4203'].map((extension) => ({ kind: 'extension', extension })),
        ringTimeoutSeconds: 25,
        callerId: { prefix: 'Sales: ' },
      },
      { type: 'voicemail', mailbox: '4201' },
    ]);
    expect(simulatePlan(result.plan, { '4203': { answerAfterSeconds: 3 } }).result).toEqual({
      kind: 'answered',
      target: '4203',
      step: 0,
    });
  });

  it('roundrobin: the next plan starts after the member remembered in Redis', async () => {
    const first = await planOf('4601');
    expect(first.plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'sequential',
        targets: ['4201', '4202', '4203'].map((extension) => ({
          kind: 'extension',
          extension,
          ringTimeoutSeconds: 12,
        })),
        ringTimeoutSeconds: 12,
        rememberAnswerAs: 'roundrobin:last-answered:4601',
      },
      { type: 'reroute', destination: '4202' },
    ]);
    // What the B2BUA does when 4202 answers that step (it stores the answering target's key).
    await worker
      .get(PluginStateRepository)
      .forPlugin('ring-group')
      .set('roundrobin:last-answered:4601', '4202');
    expect(await redis.get(ROUND_ROBIN_KEY)).toBe('4202');
    const second = await planOf('4601');
    expect(second.plan.steps[0]).toMatchObject({
      targets: [{ extension: '4203' }, { extension: '4201' }, { extension: '4202' }],
    });
  });

  it('memoryhunt: 1, 1+2, 1+2+3, then the fallback group', async () => {
    const { plan } = await planOf('4602');
    const sim = simulatePlan(plan, {});
    expect(sim.events.filter((e) => e.type === 'ring').map((e) => [e.t, e.target])).toEqual([
      [0, '4203'],
      [10, '4203'],
      [10, '4202'],
      [20, '4203'],
      [20, '4202'],
      [20, '4201'],
    ]);
    expect(sim.result).toEqual({ kind: 'reroute', destination: '4600' });
    expect(sim.elapsedSeconds).toBe(30);
  });
});

describe('reroutes carry the call history through the queue', () => {
  it('a fallback chain that comes back to a group it already rang ends in 480', async () => {
    const back = job('4600');
    const attempts = [
      { pluginId: 'ring-group', destination: '4602', outcome: 'no-answer' as const, tried: ['4203'] },
      { pluginId: 'ring-group', destination: '4600', outcome: 'no-answer' as const, tried: ['4201'] },
    ];
    const result = await client.requestPlan({ attempt: 2, call: { ...back.call, history: attempts } });
    expect(result).toEqual({
      kind: 'plan',
      pluginId: 'ring-group',
      plan: { steps: [{ type: 'reject', status: 480, reason: 'Temporarily Unavailable' }] },
    });
  });
});

describe('follow-me from PostgreSQL through the queue', () => {
  it('steps ring in order, external numbers in our domain, then the mailbox', async () => {
    const result = await planOf('4201');
    expect(result.pluginId).toBe('find-me');
    expect(result.plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'parallel',
        targets: [{ kind: 'extension', extension: '4201' }],
        ringTimeoutSeconds: 15,
      },
      {
        type: 'dial',
        mode: 'parallel',
        targets: [
          { kind: 'extension', extension: '4201' },
          { kind: 'uri', uri: `sip:+4915112345@${DOMAIN};user=phone` },
          { kind: 'uri', uri: 'sip:bob@softphone.example' },
        ],
        ringTimeoutSeconds: 20,
      },
      { type: 'voicemail', mailbox: '4201' },
    ]);
    expect(simulatePlan(result.plan, {})).toMatchObject({
      result: { kind: 'voicemail', mailbox: '4201' },
      elapsedSeconds: 35,
    });
  });

  it('an extension without follow-me goes on to the extensions plugin', async () => {
    expect((await planOf('4202')).pluginId).toBe('extensions');
  });
});
