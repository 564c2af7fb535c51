import type { ReadinessCheck } from '@switchboard/metrics';
import type { Redis } from 'ioredis';
import type { PrismaClient } from '../common/db.js';

/** The admin app can serve when PostgreSQL (the truth) and Redis (sessions, live state) answer. */
export function adminReadiness(prisma: PrismaClient, redis: Redis): ReadinessCheck[] {
  return [
    { name: 'postgres', check: async () => (await prisma.$queryRaw`SELECT 1`, true) },
    { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
  ];
}
