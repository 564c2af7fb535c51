import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { Redis } from 'ioredis';
import { CONFIG, LOGGER } from '../tokens.js';

/** The routing worker's Redis connection (BullMQ queues live in Redis). */
@Injectable()
export class RedisConnectionService implements OnApplicationBootstrap, OnApplicationShutdown {
  private client: Redis | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const client = new Redis(this.config.redisUrl, { lazyConnect: true, maxRetriesPerRequest: 3 });
    await client.connect();
    const pong = await client.ping();
    this.client = client;
    this.logger.info({ pong }, 'connected to Redis');
  }

  async onApplicationShutdown(): Promise<void> {
    const client = this.client;
    this.client = undefined;
    if (client) await client.quit();
  }
}
