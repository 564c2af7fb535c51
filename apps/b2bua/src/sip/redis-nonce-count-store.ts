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

/** SADD + PEXPIREAT as one atomic command: returns SADD's count (1 = this nc was new). */
const MARK_USED = `local added = redis.call('SADD', KEYS[1], ARGV[1])
redis.call('PEXPIREAT', KEYS[1], ARGV[2])
return added`;

/**
 * Nonce counts shared by every signalling process: SADD is atomic, so one nc is accepted once
 * even when two processes see the same nonce; the set expires with the nonce. One script call
 * instead of MULTI/SADD/PEXPIREAT/EXEC: four commands per authenticated request showed as client
 * CPU in bench:cps, and the script joins the connection's auto-pipeline.
 */
export class RedisNonceCountStore implements NonceCountStore {
  constructor(private readonly redis: Redis) {}

  async markUsed(nonce: string, nc: number, expiresAt: number): Promise<boolean> {
    const added = await this.redis.eval(MARK_USED, 1, authKeys.nonceCounts(nonce), String(nc), expiresAt);
    return added === 1;
  }
}
