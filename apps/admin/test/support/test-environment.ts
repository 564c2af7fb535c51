import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ProcessHeartbeat, type HeartbeatRole } from '@switchboard/live-state';
import { createPrismaClient, migrate, withDatabase, type PrismaClient } from '@switchboard/db';
import { Redis } from 'ioredis';
import pg from 'pg';
import type { NestExpressApplication } from '@nestjs/platform-express';
import { createAdminApp } from '../../src/app/create-admin-app.js';
import { defaultAdminOptions, type AdminOptions } from '../../src/common/admin-options.js';

/** DATABASE_URL and REDIS_URL come from the root harness (`npm test`), which starts real servers. */
export function requiredServerUrls(): { databaseUrl: string; redisUrl: string } {
  const databaseUrl = process.env.DATABASE_URL;
  const redisUrl = process.env.REDIS_URL;
  if (!databaseUrl || !redisUrl) {
    throw new Error(
      'DATABASE_URL and REDIS_URL must point at a PostgreSQL and a Redis server: run `npm test` at the repository root, ' +
        'which starts both and sets them',
    );
  }
  return { databaseUrl, redisUrl };
}

export interface TestServers {
  databaseUrl: string;
  redisUrl: string;
  prisma: PrismaClient;
  redis: Redis;
  dataDir: string;
  dispose(): Promise<void>;
}

/**
 * A throwaway, migrated database on the harness's PostgreSQL server and a private Redis logical
 * database (flushed), so this test file shares no rows or keys with any other.
 */
export async function createTestServers(redisDb: number): Promise<TestServers> {
  const urls = requiredServerUrls();
  const name = `sb_admin_test_${randomBytes(6).toString('hex')}`;
  const databaseUrl = withDatabase(urls.databaseUrl, name);
  await migrate(databaseUrl);
  const prisma = createPrismaClient(databaseUrl, { maxConnections: 5 });
  const redisUrl = new URL(urls.redisUrl);
  redisUrl.pathname = `/${redisDb}`;
  const redis = new Redis(redisUrl.toString(), { lazyConnect: true, maxRetriesPerRequest: 2 });
  await redis.connect();
  await redis.flushdb();
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sb-admin-test-'));
  return {
    databaseUrl,
    redisUrl: redisUrl.toString(),
    prisma,
    redis,
    dataDir,
    async dispose() {
      await prisma.$disconnect();
      await redis.flushdb();
      redis.disconnect();
      rmSync(dataDir, { recursive: true, force: true });
      const admin = new pg.Client({ connectionString: withDatabase(urls.databaseUrl, 'postgres') });
      await admin.connect();
      try {
        await admin.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await admin.end();
      }
    },
  };
}

export interface RunningTestApp {
  app: NestExpressApplication;
  baseUrl: string;
  /** The app's own Redis namespace for process heartbeats (apart from other test files'). */
  queuePrefix: string;
  close(): Promise<void>;
}

export async function startTestApp(
  servers: TestServers,
  overrides: Partial<AdminOptions> = {},
): Promise<RunningTestApp> {
  const options: AdminOptions = {
    ...defaultAdminOptions,
    sipRealm: 'pbx.test',
    dataDir: servers.dataDir,
    webDistDir: null,
    queuePrefix: `test-${randomBytes(4).toString('hex')}`,
    ...overrides,
  };
  const app = await createAdminApp({ prisma: servers.prisma, redis: servers.redis, options });
  await app.listen(0, '127.0.0.1');
  const address = app.getHttpServer().address();
  if (typeof address !== 'object' || address === null) throw new Error('server has no address');
  return {
    app,
    baseUrl: `http://127.0.0.1:${address.port}`,
    queuePrefix: options.queuePrefix,
    close: () => app.close(),
  };
}

/** Stands in for a b2bua process in admin tests: its heartbeat, written like the real one's. */
export function fakeProcess(
  servers: TestServers,
  app: RunningTestApp,
  role: HeartbeatRole,
  name: string,
): ProcessHeartbeat {
  return new ProcessHeartbeat(
    servers.redis,
    app.queuePrefix,
    { role, pid: 4242, host: `${name}.test`, startedAt: Date.now(), version: '0.1.0' },
    name,
  );
}
