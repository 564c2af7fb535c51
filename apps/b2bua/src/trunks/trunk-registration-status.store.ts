import { Inject, Injectable } from '@nestjs/common';
import { redisKeys, type TrunkRegistrationStatus } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens.js';

/** Trunk registration status in Redis (`sb:trunk-regs`, field = trunk id), read by the admin app. */
@Injectable()
export class TrunkRegistrationStatusStore {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async write(trunkId: string, status: TrunkRegistrationStatus): Promise<void> {
    await this.redis.hset(redisKeys.trunkRegistrations, trunkId, JSON.stringify(status));
  }

  async remove(trunkId: string): Promise<void> {
    await this.redis.hdel(redisKeys.trunkRegistrations, trunkId);
  }

  async trunkIds(): Promise<string[]> {
    return this.redis.hkeys(redisKeys.trunkRegistrations);
  }
}
