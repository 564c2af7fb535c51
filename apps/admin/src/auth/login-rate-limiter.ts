import { Inject, Injectable } from '@nestjs/common';
import type { Redis } from 'ioredis';
import type { AdminOptions } from '../common/admin-options.js';
import { ADMIN_OPTIONS, REDIS } from '../common/tokens.js';

/** Fixed-window login attempt counter per client address, in Redis so every admin process shares it. */
@Injectable()
export class LoginRateLimiter {
  constructor(
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {}

  /** Counts one attempt; returns seconds to wait when over the limit, else 0. */
  async hit(clientAddress: string): Promise<number> {
    const key = `sb:admin:login-attempts:${clientAddress}`;
    const { max, windowSeconds } = this.options.loginRateLimit;
    const results = await this.redis.multi().incr(key).expire(key, windowSeconds, 'NX').ttl(key).exec();
    const count = Number(results?.[0]?.[1] ?? 0);
    const ttl = Number(results?.[2]?.[1] ?? windowSeconds);
    return count > max ? Math.max(ttl, 1) : 0;
  }
}
