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
 * How long a reservation holds its place if it is never given back (its process died mid-check).
 * A verification takes milliseconds; an uncached digest row with PostgreSQL down takes up to the
 * 5 s connect timeout.
 */
export const RESERVATION_TTL_MS = 10_000;

/**
 * KEYS: pair lock, address lock, pair failures, address failures, pair reservations, address
 * reservations (sorted sets: token → expiry in ms). ARGV: pair limit, address limit, token, ttl ms.
 * 0 = locked (a lock exists); 2 = busy: the failures so far plus the verifications in flight fill
 * the remaining failure budget, so this one must wait (it is not a failure, and a user with no
 * failure is never locked by it); 1 = reserved under `token` (also when it already was: ioredis
 * resends a command whose reply a reconnect lost). One script, so parallel guesses cannot all pass
 * the check before any of them is counted.
 */
const RESERVE = `if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
if redis.call('ZSCORE', KEYS[5], ARGV[3]) then return 1 end
local pf = tonumber(redis.call('GET', KEYS[3]) or '0')
local af = tonumber(redis.call('GET', KEYS[4]) or '0')
if pf >= tonumber(ARGV[1]) or af >= tonumber(ARGV[2]) then return 0 end
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
redis.call('ZREMRANGEBYSCORE', KEYS[5], '-inf', now)
redis.call('ZREMRANGEBYSCORE', KEYS[6], '-inf', now)
if pf + redis.call('ZCARD', KEYS[5]) >= tonumber(ARGV[1]) then return 2 end
if af + redis.call('ZCARD', KEYS[6]) >= tonumber(ARGV[2]) then return 2 end
for i = 5, 6 do
  redis.call('ZADD', KEYS[i], now + tonumber(ARGV[4]), ARGV[3])
  redis.call('PEXPIRE', KEYS[i], ARGV[4])
end
return 1`;

/** KEYS: pair reservations, address reservations. ARGV: token. Gives back an attempt that did not fail. */
const RELEASE = `redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`;

/**
 * KEYS: as RESERVE. ARGV: pair limit, address limit, token ('' when nothing was reserved), window
 * seconds. The attempt failed: its reservation ends and the failure is counted; a count at its limit
 * becomes a lock for the window. Returns 1 when the pair was locked now, 2 for the address, 3 for
 * both, 0 otherwise (so exactly one failure reports each lock).
 */
const FAILED = `redis.call('ZREM', KEYS[5], ARGV[3])
redis.call('ZREM', KEYS[6], ARGV[3])
local locked = 0
for i = 0, 1 do
  local n = redis.call('INCR', KEYS[3 + i])
  redis.call('EXPIRE', KEYS[3 + i], ARGV[4], 'NX')
  if n >= tonumber(ARGV[1 + i]) then
    redis.call('SET', KEYS[1 + i], '1', 'EX', ARGV[4])
    redis.call('DEL', KEYS[3 + i])
    locked = locked + 1 + i
  end
end
return locked`;

/** What a failed attempt locked now: the claimed user from this address, the whole address, both or nothing. */
export type LockScope = 'user' | 'address' | 'user+address' | undefined;

const SCOPES: readonly LockScope[] = [undefined, 'user', 'address', 'user+address'];

/** Outcome of one reservation try: reserved, locked out, or to be tried again when a slot frees. */
export type ReserveResult = 'reserved' | 'locked' | 'busy';

const RESERVE_RESULTS: readonly ReserveResult[] = ['locked', 'reserved', 'busy'];

/**
 * Brute-force brake on digest authentication, shared through Redis by every signalling process.
 * Only failures count towards a lock: `maxFailures` per source address + claimed user (five times
 * that per address) within `lockoutSeconds` lock that pair (or the address) for `lockoutSeconds`.
 * Each verification with credentials is reserved first, and the reservations in flight are bounded
 * by the failure budget still left, so at most `maxFailures` guesses of one pair are ever verified
 * before the lock, however many arrive at once; an attempt beyond the budget is `busy` (wait and try
 * again, see AuthAttemptGate), never refused for the failures it might have. Reservations expire
 * after RESERVATION_TTL_MS if their process never gives them back.
 */
export class AuthFailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AuthFailureLimits,
    private readonly realm: string,
    /** Lifetime of a reservation never given back (shorter in tests). */
    readonly reservationTtlMs = RESERVATION_TTL_MS,
  ) {}

  /** Read-only check for requests without credentials (nothing to verify, nothing to reserve). */
  async isLocked(ip: string, user: string | undefined): Promise<boolean> {
    return (
      (await this.redis.exists(
        authKeys.lockout(this.realm, ip),
        authKeys.lockout(this.realm, ip, user ?? ''),
      )) > 0
    );
  }

  /** Reserves one verification under `token` (unique per attempt). */
  async reserve(ip: string, user: string, token: string): Promise<ReserveResult> {
    const { maxFailures } = this.limits;
    const result = await this.redis.eval(
      RESERVE,
      6,
      ...this.keys(ip, user),
      maxFailures,
      maxFailures * ADDRESS_FACTOR,
      token,
      this.reservationTtlMs,
    );
    return RESERVE_RESULTS[Number(result)] ?? 'locked';
  }

  /** Gives a reservation back: the attempt succeeded, failed for a benign reason, or was not verified. */
  async release(ip: string, user: string, token: string): Promise<void> {
    await this.redis.eval(
      RELEASE,
      2,
      authKeys.reservations(this.realm, ip, user),
      authKeys.reservations(this.realm, ip),
      token,
    );
  }

  /**
   * The attempt reserved under `token` failed (or, with no token, a failure verified without a
   * reservation: voicemail PINs, one DTMF entry per call checked against `isLocked` first);
   * resolves with what it locked now, if anything.
   */
  async failed(ip: string, user: string, token = ''): Promise<LockScope> {
    const { maxFailures, lockoutSeconds } = this.limits;
    const result = await this.redis.eval(
      FAILED,
      6,
      ...this.keys(ip, user),
      maxFailures,
      maxFailures * ADDRESS_FACTOR,
      token,
      lockoutSeconds,
    );
    return SCOPES[Number(result)];
  }

  /** KEYS of RESERVE and FAILED: pair lock, address lock, pair/address failures, pair/address reservations. */
  private keys(ip: string, user: string): string[] {
    return [
      authKeys.lockout(this.realm, ip, user),
      authKeys.lockout(this.realm, ip),
      authKeys.failures(this.realm, ip, user),
      authKeys.failures(this.realm, ip),
      authKeys.reservations(this.realm, ip, user),
      authKeys.reservations(this.realm, ip),
    ];
  }
}
