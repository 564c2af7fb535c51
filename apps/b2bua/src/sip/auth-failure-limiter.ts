import type { Redis } from 'ioredis';
import { authKeys } from './redis-nonce-count-store.js';

export interface AuthFailureLimits {
  /** Failures of one claimed user from one address before that pair is locked out. */
  readonly maxFailures: number;
  /** Window in which failures add up, and length of the lockout. */
  readonly lockoutSeconds: number;
}

/** An address alone may fail this many times more (an office behind one NAT has many phones). */
const ADDRESS_FACTOR = 5;

/**
 * Brute-force brake on digest authentication, shared through Redis by every signalling process:
 * failures are counted per source address + claimed user and per source address; reaching the
 * limit locks that pair (or the whole address) out for `lockoutSeconds`.
 */
export class AuthFailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AuthFailureLimits,
    private readonly realm: string,
  ) {}

  async isLocked(ip: string, user: string | undefined): Promise<boolean> {
    return (
      (await this.redis.exists(
        authKeys.lockout(this.realm, ip),
        authKeys.lockout(this.realm, ip, user ?? ''),
      )) > 0
    );
  }

  /** Counts one failure; resolves true when it triggered a lockout. */
  async recordFailure(ip: string, user: string | undefined): Promise<boolean> {
    const { maxFailures, lockoutSeconds } = this.limits;
    const pairKey = authKeys.failures(this.realm, ip, user ?? '');
    const ipKey = authKeys.failures(this.realm, ip);
    const results =
      (await this.redis
        .multi()
        .incr(pairKey)
        .expire(pairKey, lockoutSeconds, 'NX')
        .incr(ipKey)
        .expire(ipKey, lockoutSeconds, 'NX')
        .exec()) ?? [];
    const pairCount = Number(results[0]?.[1] ?? 0);
    const ipCount = Number(results[2]?.[1] ?? 0);
    const lock = this.redis.multi();
    let locked = false;
    if (pairCount >= maxFailures) {
      lock.set(authKeys.lockout(this.realm, ip, user ?? ''), '1', 'EX', lockoutSeconds).del(pairKey);
      locked = true;
    }
    if (ipCount >= maxFailures * ADDRESS_FACTOR) {
      lock.set(authKeys.lockout(this.realm, ip), '1', 'EX', lockoutSeconds).del(ipKey);
      locked = true;
    }
    if (locked) await lock.exec();
    return locked;
  }
}
