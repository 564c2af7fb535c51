import { fileURLToPath } from 'node:url';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import { ProcessMetrics, startRoleOpsServer } from '@switchboard/metrics';
import { Redis } from 'ioredis';
import { defaultAdminOptions, type AdminOptions } from '../common/admin-options.js';
import { createPrismaClient } from '../common/db.js';
import { adminReadiness } from './admin-readiness.js';
import { createAdminApp } from './create-admin-app.js';

export interface RunningAdminServer {
  url: string;
  close(): Promise<void>;
}

/** The built UI (vite writes it to apps/admin/dist/web). */
export const defaultWebDistDir = fileURLToPath(new URL('../web', import.meta.url));

export function adminOptionsFrom(
  config: SwitchboardConfig,
  overrides: Partial<AdminOptions> = {},
): AdminOptions {
  return {
    ...defaultAdminOptions,
    sipRealm: config.sip.domain,
    dataDir: config.dataDir,
    webDistDir: defaultWebDistDir,
    secureCookies: process.env.SWITCHBOARD_ADMIN_SECURE_COOKIES === 'true',
    queuePrefix: config.queuePrefix,
    rtpengine:
      config.media.mode === 'direct'
        ? null
        : {
            address: config.media.rtpengine.address,
            port: config.media.rtpengine.ngPort,
            timeoutMs: config.media.rtpengine.timeoutMs,
          },
    ...overrides,
  };
}

/** Connects to PostgreSQL and Redis from the config and serves the admin app on admin.host:admin.port. */
export async function startAdminServer(
  config: SwitchboardConfig,
  logger: Logger,
  overrides: Partial<AdminOptions> = {},
): Promise<RunningAdminServer> {
  const prisma = createPrismaClient(config.databaseUrl);
  const redis = new Redis(config.redisUrl, { maxRetriesPerRequest: 2, lazyConnect: true });
  // Without a listener ioredis prints every reconnect failure as an unhandled error event.
  logConnectionErrors(redis, logger, 'admin');
  await redis.connect();
  const metrics = new ProcessMetrics('admin');
  const app = await createAdminApp(
    { prisma, redis, metrics, options: adminOptionsFrom(config, overrides) },
    logger,
  );
  await app.listen(config.admin.port, config.admin.host);
  const ops = await startRoleOpsServer(config, { metrics, readiness: adminReadiness(prisma, redis), logger });
  const address = app.getHttpServer().address();
  const port = typeof address === 'object' && address ? address.port : config.admin.port;
  const host = config.admin.host.includes(':') ? `[${config.admin.host}]` : config.admin.host;
  return {
    url: `http://${host}:${port}/`,
    close: async () => {
      await ops?.close();
      await app.close();
      await prisma.$disconnect();
      redis.disconnect();
    },
  };
}
