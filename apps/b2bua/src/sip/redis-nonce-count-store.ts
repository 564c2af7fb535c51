import { randomUUID } from 'node:crypto';
import type { NonceCountStore } from '@switchboard/dialog';
import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.js';

/** Redis keys of the digest machinery (internal to the signalling role; not read by the admin app). */
export const authKeys = {
  /** STRING: the HMAC secret of stateless nonces, created once (SET NX) and shared by every process. */
  digestSecret: 'sb:digest-secret',
  /** HASH per nonce: nonce count → the check that used it (RFC 7616 §3.4 replay protection). */
  nonceCounts: (nonce: string): string => `sb:ncs:${nonce}`,
  /** Failure counters and lockouts per realm + source address (+ claimed user). */
  failures: (realm: string, ip: string, user?: string): string =>
    `sb:auth-fail:${realm}:${ip}${user === undefined ? '' : `:${user}`}`,
  lockout: (realm: string, ip: string, user?: string): string =>
    `sb:auth-lock:${realm}:${ip}${user === undefined ? '' : `:${user}`}`,
  /** ZSET of the verifications in flight (token → expiry ms), bounded by the failure budget left. */
  reservations: (realm: string, ip: string, user?: string): string =>
    `sb:auth-pending:${realm}:${ip}${user === undefined ? '' : `:${user}`}`,
} as const;

/**
 * Lua function markUsed(key, nc, expiresAt, check): HSETNX + PEXPIREAT as one atomic step, 1 when
 * this nc was new, or was taken by this very check — ioredis sends a command again after a
 * reconnect when its reply was lost, and the first send may have run: that is not a replay. A
 * replay from the network is another check, another token. Also part of the lock-out's SETTLE.
 */
export const MARK_USED_FUNCTION = `local function markUsed(key, nc, expiresAt, check)
  local added = redis.call('HSETNX', key, nc, check)
  redis.call('PEXPIREAT', key, expiresAt)
  if added == 1 or redis.call('HGET', key, nc) == check then return 1 end
  return 0
end`;

/** KEYS: the nonce's counts. ARGV: nc, expiry ms, check token. */
const MARK_USED = new LuaScript(`${MARK_USED_FUNCTION}
return markUsed(KEYS[1], ARGV[1], ARGV[2], ARGV[3])`);

/**
 * Nonce counts shared by every signalling process: HSETNX is atomic, so one nc is accepted once
 * even when two processes see the same nonce; the set expires with the nonce. One script call
 * instead of MULTI/SADD/PEXPIREAT/EXEC: four commands per authenticated request showed as client
 * CPU in bench:cps, and the script joins the connection's auto-pipeline.
 */
export class RedisNonceCountStore implements NonceCountStore {
  constructor(private readonly redis: Redis) {}

  /** `check` identifies this check (one per verification; tests pass their own). */
  async markUsed(
    nonce: string,
    nc: number,
    expiresAt: number,
    check: string = randomUUID(),
  ): Promise<boolean> {
    const key = authKeys.nonceCounts(nonce);
    const added = await MARK_USED.run(this.redis, [key], [String(nc), expiresAt, check]);
    return added === 1;
  }
}
