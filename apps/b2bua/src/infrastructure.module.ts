import type { Redis } from 'ioredis';
import { Global, Inject, Module, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { CONFIG, LOGGER, PRISMA, REDIS } from './tokens.js';
import { queueConnection } from './jobs/queue-connection.js';

/** Connections to Redis (soft state, queues) and PostgreSQL (the truth), closed on shutdown. */
@Global()
@Module({
  providers: [
    {
      provide: REDIS,
      inject: [CONFIG, LOGGER],
      // Auto-pipelined: profiling bench:cps showed one write syscall per command costing a quarter of
      // the signalling CPU. Nothing blocks on this one.
      useFactory: (config: SwitchboardConfig, logger: Logger) =>
        queueConnection(config.redisUrl, 'shared', logger, { pipelined: true }),
    },
    {
      provide: PRISMA,
      inject: [CONFIG],
      useFactory: (config: SwitchboardConfig) => createPrismaClient(config.databaseUrl),
    },
  ],
  exports: [REDIS, PRISMA],
})
export class InfrastructureModule implements OnApplicationShutdown {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
  ) {}

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.redis.quit(), this.prisma.$disconnect()]);
  }
}
