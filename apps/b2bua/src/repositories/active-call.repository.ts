import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { REDIS } from '../tokens.js';

/** Active calls per extension, for busy detection; the call-control side writes them. */
@Injectable()
export class ActiveCallRepository {
  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async countFor(extension: string): Promise<number> {
    return this.redis.zcard(redisKeys.extensionCalls(extension));
  }

  /** The extension's calls through a trunk (its outside-call limit); a slot's score is its expiry. */
  async externalCountFor(extension: string): Promise<number> {
    return this.redis.zcount(redisKeys.extensionExternalCalls(extension), Date.now(), '+inf');
  }
}
