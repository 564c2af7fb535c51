import type { NonceCountStore } from '@switchboard/dialog';
import type { Redis } from 'ioredis';

/** Redis keys of the digest machinery (internal to the signalling role; not read by the admin app). */
export const authKeys = {
  /** STRING: the HMAC secret of stateless nonces, created once (SET NX) and shared by every process. */
  digestSecret: 'sb:digest-secret',
  /** SET per nonce: the nonce counts already used (RFC 7616 §3.4 replay protection). */
  nonceCounts: (nonce: string): string => `sb:nc:${nonce}`,
  /** Failure counters and lockouts per realm + source address (+ claimed user). */
  failures: (realm: string, ip: string, user?: string): string =>
    `sb:auth-fail:${realm}:${ip}${user === undefined ? '' : `:${user}`}`,
  lockout: (realm: string, ip: string, user?: string): string =>
    `sb:auth-lock:${realm}:${ip}${user === undefined ? '' : `:${user}`}`,
} as const;

/**
 * Nonce counts shared by every signalling process: SADD is atomic, so one nc is accepted once
 * even when two processes see the same nonce; the set expires with the nonce.
 */
export class RedisNonceCountStore implements NonceCountStore {
  constructor(private readonly redis: Redis) {}

  async markUsed(nonce: string, nc: number, expiresAt: number): Promise<boolean> {
    const key = authKeys.nonceCounts(nonce);
    const [added] = (await this.redis.multi().sadd(key, String(nc)).pexpireat(key, expiresAt).exec()) ?? [];
    if (!added || added[0]) throw added?.[0] ?? new Error('Redis transaction aborted');
    return added[1] === 1;
  }
}
