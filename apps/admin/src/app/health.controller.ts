import { Controller, Get, Inject } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { Public } from '../auth/public.decorator.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA, REDIS } from '../common/tokens.js';

@Public()
@Controller('api/health')
export class HealthController {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  @Get()
  async health() {
    const [database, redis] = await Promise.all([
      this.prisma.$queryRaw`SELECT 1`.then(
        () => true,
        () => false,
      ),
      this.redis.ping().then(
        (r) => r === 'PONG',
        () => false,
      ),
    ]);
    return { status: database && redis ? 'ok' : 'degraded', database, redis };
  }
}
