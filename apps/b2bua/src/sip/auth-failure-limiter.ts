import type { Redis } from 'ioredis';
import { LuaScript } from '../redis/lua-script.js';
import { authKeys, MARK_USED_FUNCTION } from './redis-nonce-count-store.js';

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
const RESERVE = new LuaScript(`if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
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
return 1`);

/** KEYS: pair reservations, address reservations. ARGV: token. Gives back an attempt that did not fail. */
const RELEASE = new LuaScript(`redis.call('ZREM', KEYS[1], ARGV[1])
redis.call('ZREM', KEYS[2], ARGV[1])
return 1`);

/** Counts one failure of KEYS 3/4 against ARGV 1/2 and returns what it locked (FAILED, SETTLE). */
const COUNT_FAILURE = `local locked = 0
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

/**
 * KEYS: as RESERVE. ARGV: pair limit, address limit, token ('' when nothing was reserved), window
 * seconds. The attempt failed: its reservation ends and the failure is counted; a count at its limit
 * becomes a lock for the window. Returns 1 when the pair was locked now, 2 for the address, 3 for
 * both, 0 otherwise (so exactly one failure reports each lock).
 */
const FAILED = new LuaScript(`redis.call('ZREM', KEYS[5], ARGV[3])
redis.call('ZREM', KEYS[6], ARGV[3])
${COUNT_FAILURE}`);

/**
 * KEYS: as RESERVE, then the nonce-count hash when the outcome carries a nonce count. ARGV: pair
 * limit, address limit, outcome ('ok', 'benign' or 'failed'), window seconds, then nc, nonce
 * expiry ms and check token (as MARK_USED) with the nonce-count key. A verification done before
 * any reservation is settled here in one step, as if it had been reserved, verified and ended at
 * this instant: refused while locked (-1); -2 (busy) when the failures so far plus the reservations
 * in flight fill the failure budget, as RESERVE would (the caller verifies again within a
 * reservation); else a failure is counted (0-3: what it locked, as FAILED), a nonce count marked
 * used (5: a replay) and 4 returned. One script, so the check and the count cannot be split by
 * parallel guesses (#17 item 1: "a success re-checked against the lock"). Mostly no lock and no
 * reservation set exist: one EXISTS tells, and the clock and the sets are not read.
 */
const SETTLE = new LuaScript(`${MARK_USED_FUNCTION}
local any = redis.call('EXISTS', KEYS[1], KEYS[2], KEYS[5], KEYS[6]) > 0
if any and redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return -1 end
local f = redis.call('MGET', KEYS[3], KEYS[4])
local pf = tonumber(f[1] or '0')
local af = tonumber(f[2] or '0')
if pf >= tonumber(ARGV[1]) or af >= tonumber(ARGV[2]) then return -1 end
if any then
  local t = redis.call('TIME')
  local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
  if pf + redis.call('ZCOUNT', KEYS[5], '(' .. now, '+inf') >= tonumber(ARGV[1]) then return -2 end
  if af + redis.call('ZCOUNT', KEYS[6], '(' .. now, '+inf') >= tonumber(ARGV[2]) then return -2 end
end
if ARGV[3] == 'failed' then
${COUNT_FAILURE}
end
if #KEYS == 7 and markUsed(KEYS[7], ARGV[5], ARGV[6], ARGV[7]) == 0 then return 5 end
return 4`);

/** What a failed attempt locked now: the claimed user from this address, the whole address, both or nothing. */
export type LockScope = 'user' | 'address' | 'user+address' | undefined;

const SCOPES: readonly LockScope[] = [undefined, 'user', 'address', 'user+address'];

/** Outcome of one reservation try: reserved, locked out, or to be tried again when a slot frees. */
export type ReserveResult = 'reserved' | 'locked' | 'busy';

const RESERVE_RESULTS: readonly ReserveResult[] = ['locked', 'reserved', 'busy'];

/** A nonce count to mark used when the outcome is settled (MARK_USED's arguments). */
export interface NonceCountMark {
  readonly nonce: string;
  readonly nc: number;
  readonly expiresAt: number;
  /** Identifies this check (a resend of the same script is no replay). */
  readonly check: string;
}

/** Outcome of `settle`. */
export type SettleResult =
  | { readonly kind: 'locked' }
  | { readonly kind: 'busy' }
  | { readonly kind: 'settled' }
  | { readonly kind: 'replayed' }
  | { readonly kind: 'failed'; readonly locked: LockScope };

/**
 * Brute-force brake on digest authentication, shared through Redis by every signalling process.
 * Only failures count towards a lock: `maxFailures` per source address + claimed user (five times
 * that per address) within `lockoutSeconds` lock that pair (or the address) for `lockoutSeconds`.
 * Each verification with credentials is reserved first, and the reservations in flight are bounded
 * by the failure budget still left, so at most `maxFailures` guesses of one pair are ever verified
 * before the lock, however many arrive at once; an attempt beyond the budget is `busy` (wait and try
 * again, see AuthAttemptGate), never refused for the failures it might have. Reservations expire
 * after RESERVATION_TTL_MS if their process never gives them back. A verification that needs no
 * database read (the digest row is cached) is instead done first and `settle`d in one script: the
 * same check and count as a reservation granted, verified and ended at that instant.
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
    const result = await RESERVE.run(this.redis, this.keys(ip, user), [
      maxFailures,
      maxFailures * ADDRESS_FACTOR,
      token,
      this.reservationTtlMs,
    ]);
    return RESERVE_RESULTS[Number(result)] ?? 'locked';
  }

  /** Gives a reservation back: the attempt succeeded, failed for a benign reason, or was not verified. */
  async release(ip: string, user: string, token: string): Promise<void> {
    await RELEASE.run(
      this.redis,
      [authKeys.reservations(this.realm, ip, user), authKeys.reservations(this.realm, ip)],
      [token],
    );
  }

  /**
   * The attempt reserved under `token` failed (or, with no token, a failure verified without a
   * reservation: voicemail PINs, one DTMF entry per call checked against `isLocked` first);
   * resolves with what it locked now, if anything.
   */
  async failed(ip: string, user: string, token = ''): Promise<LockScope> {
    const { maxFailures, lockoutSeconds } = this.limits;
    const result = await FAILED.run(this.redis, this.keys(ip, user), [
      maxFailures,
      maxFailures * ADDRESS_FACTOR,
      token,
      lockoutSeconds,
    ]);
    return SCOPES[Number(result)];
  }

  /**
   * Settles a verification done without a reservation, in one atomic step (SETTLE): `locked` and
   * `busy` as `reserve` would answer (the outcome is not used: nothing was counted or marked); else
   * the failure is counted (`failed`, with what it locked now) or the nonce count marked used
   * (`replayed` when another check had it).
   */
  async settle(
    ip: string,
    user: string,
    outcome: 'ok' | 'benign' | 'failed',
    nonceCount?: NonceCountMark,
  ): Promise<SettleResult> {
    const { maxFailures, lockoutSeconds } = this.limits;
    const keys = this.keys(ip, user);
    const args: (string | number)[] = [maxFailures, maxFailures * ADDRESS_FACTOR, outcome, lockoutSeconds];
    if (nonceCount && outcome !== 'failed') {
      keys.push(authKeys.nonceCounts(nonceCount.nonce));
      args.push(String(nonceCount.nc), nonceCount.expiresAt, nonceCount.check);
    }
    const result = Number(await SETTLE.run(this.redis, keys, args));
    if (result === -1) return { kind: 'locked' };
    if (result === -2) return { kind: 'busy' };
    if (result === 4) return { kind: 'settled' };
    if (result === 5) return { kind: 'replayed' };
    return { kind: 'failed', locked: SCOPES[result] };
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
