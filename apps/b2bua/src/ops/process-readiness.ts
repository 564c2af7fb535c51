import type { INestApplicationContext } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { ReadinessCheck } from '@switchboard/metrics';
import type { Redis } from 'ioredis';
import { PRISMA, REDIS } from '../tokens.js';

/** What both b2bua roles need to do their work: Redis (queues, live state) and PostgreSQL. */
export function processReadiness(app: INestApplicationContext): ReadinessCheck[] {
  const redis = app.get<Redis>(REDIS);
  const prisma = app.get<PrismaClient>(PRISMA);
  return [
    { name: 'redis', check: async () => (await redis.ping()) === 'PONG' },
    { name: 'postgres', check: async () => (await prisma.$queryRaw`SELECT 1`, true) },
  ];
}
