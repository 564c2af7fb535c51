// Business hours through the real routing queue: a worker whose wall clock the test sets, the PBX
// time zone from PostgreSQL, the business-hours plugin in front of ring-group and extensions.
import crypto from 'node:crypto';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { ProcessMetrics } from '@switchboard/metrics';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RoutingClientService } from '../src/routing/routing-client.service.js';
import { WorkerModule } from '../src/worker.module.js';
import { routingJob } from './support/routing-jobs.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;
let redis: Redis;
const AOR = 'sip:201@pbx.test';
let config: SwitchboardConfig;
let worker: INestApplicationContext;
let client: RoutingClientService;
/** The worker's wall clock: each test sets the instant its calls arrive at. */
let now = new Date('2026-01-05T10:00:00Z');

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  redis = new Redis(requiredEnv('REDIS_URL'));
  config = testConfig(db.url, {
    SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
    SWITCHBOARD_PLUGINS:
      '@switchboard/plugin-business-hours,@switchboard/plugin-ring-group,@switchboard/plugin-extensions',
    SWITCHBOARD_PLUGIN_TIMEOUT_MS: '5000',
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '5000',
    SWITCHBOARD_ROUTING_BATCH_WINDOW_MS: '0',
    // The time zone is read per call, not cached, so a change in the admin app applies at once here.
    SWITCHBOARD_ROUTING_CACHE_MS: '0',
  });
  const alice = await prisma.extension.create({ data: { number: '201', displayName: 'Alice' } });
  await prisma.voicemailBox.create({ data: { extensionId: alice.id, enabled: true } });
  await prisma.ringGroup.create({
    data: {
      number: '600',
      name: 'Front desk',
      strategy: 'ringall',
      members: { create: [{ extensionId: alice.id, position: 0 }] },
    },
  });
  const weekdays = [{ from: '09:00', to: '17:00' }];
  await prisma.pluginConfig.create({
    data: {
      pluginId: 'business-hours',
      config: {
        schedules: [
          {
            number: '700',
            week: { mon: weekdays, tue: weekdays, wed: weekdays, thu: weekdays, fri: weekdays },
            holidays: ['2026-12-25'],
            open: { kind: 'ring_group', target: '600' },
            closed: { kind: 'voicemail', target: '201' },
          },
        ],
      },
    },
  });
  // Alice's phone is registered, so the ring group has someone to ring.
  const binding = { aor: AOR, contact: 'sip:201@127.0.0.1:5090', expiresAt: Date.now() + 600_000, q: 1 };
  await redis.hset(redisKeys.registration(AOR), binding.contact, JSON.stringify(binding));
  await prisma.pbxSettings.create({ data: { timeZone: 'Europe/Berlin' } });
  const logger = createLogger('test', config);
  worker = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(config, logger, new ProcessMetrics('worker'), () => now),
    { logger: false },
  );
  await worker.init();
  client = new RoutingClientService(config, logger);
  await client.onApplicationBootstrap();
});

afterAll(async () => {
  await client?.onApplicationShutdown();
  await worker?.close();
  await redis?.del(redisKeys.registration(AOR));
  redis?.disconnect();
  await prisma?.$disconnect();
  await db?.drop();
});

describe('business hours through the routing queue, on the injected clock', () => {
  it('open: the call goes to the ring group, which the chain then rings', async () => {
    now = new Date('2026-01-05T08:30:00Z'); // Monday 09:30 in Berlin (08:30 in the worker's UTC)
    expect(await client.requestPlan(routingJob('700'))).toEqual({
      kind: 'plan',
      pluginId: 'business-hours',
      plan: { steps: [{ type: 'reroute', destination: '600' }] },
    });
    // The B2BUA asks again for the rerouted destination: the ring group's plan.
    expect(await client.requestPlan(routingJob('600'))).toMatchObject({
      kind: 'plan',
      pluginId: 'ring-group',
      plan: {
        steps: [
          { type: 'dial', mode: 'parallel', targets: [{ kind: 'extension', extension: '201' }] },
          { type: 'reject', status: 480 }, // the group's fallback: none
        ],
      },
    });
  });

  it('closed (evening, weekend, holiday): the call goes to voicemail', async () => {
    for (const instant of ['2026-01-05T16:30:00Z', '2026-01-10T10:00:00Z', '2026-12-25T10:00:00Z']) {
      now = new Date(instant);
      expect(await client.requestPlan(routingJob('700'))).toMatchObject({
        kind: 'plan',
        pluginId: 'business-hours',
        plan: { steps: [{ type: 'voicemail', mailbox: '201' }] },
      });
    }
  });

  it('the PBX time zone saved in PostgreSQL decides, not the process TZ', async () => {
    now = new Date('2026-01-05T16:30:00Z'); // 17:30 in Berlin: closed; 11:30 in New York: open
    await prisma.pbxSettings.update({ where: { id: 1 }, data: { timeZone: 'America/New_York' } });
    expect(await client.requestPlan(routingJob('700'))).toMatchObject({
      plan: { steps: [{ type: 'reroute', destination: '600' }] },
    });
    await prisma.pbxSettings.update({ where: { id: 1 }, data: { timeZone: 'Europe/Berlin' } });
  });

  it('other numbers pass business hours untouched', async () => {
    expect(await client.requestPlan(routingJob('201'))).toMatchObject({ pluginId: 'extensions' });
  });
});
