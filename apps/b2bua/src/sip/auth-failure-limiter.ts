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
 * KEYS: pair lock, address lock, pair attempts, address attempts. ARGV: pair limit, address limit, window.
 * Refuses (0) while either lock exists or the attempts in the window (failed + still being verified)
 * reached a limit; otherwise counts this attempt (1). One script, so parallel guesses cannot all pass
 * the check before any of them is counted.
 */
const RESERVE = `if redis.call('EXISTS', KEYS[1], KEYS[2]) > 0 then return 0 end
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[1]) then return 0 end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[2]) then return 0 end
redis.call('INCR', KEYS[3])
redis.call('EXPIRE', KEYS[3], ARGV[3], 'NX')
redis.call('INCR', KEYS[4])
redis.call('EXPIRE', KEYS[4], ARGV[3], 'NX')
return 1`;

/** KEYS: pair attempts, address attempts. Gives back an attempt that did not fail (never below 0). */
const RELEASE = `for i = 1, 2 do
  if tonumber(redis.call('GET', KEYS[i]) or '0') > 0 then redis.call('DECR', KEYS[i]) end
end
return 1`;

/**
 * KEYS: pair lock, address lock, pair attempts, address attempts. ARGV: pair limit, address limit, lock seconds.
 * A reserved attempt failed: it stays counted; a count at its limit becomes a lock. Returns 1 when the
 * pair was locked now, 2 for the address, 3 for both, 0 otherwise (so exactly one failure reports each lock).
 */
const FAILED = `local locked = 0
if tonumber(redis.call('GET', KEYS[3]) or '0') >= tonumber(ARGV[1]) then
  redis.call('SET', KEYS[1], '1', 'EX', ARGV[3])
  redis.call('DEL', KEYS[3])
  locked = locked + 1
end
if tonumber(redis.call('GET', KEYS[4]) or '0') >= tonumber(ARGV[2]) then
  redis.call('SET', KEYS[2], '1', 'EX', ARGV[3])
  redis.call('DEL', KEYS[4])
  locked = locked + 2
end
return locked`;

/** What a failed attempt locked now: the claimed user from this address, the whole address, both or nothing. */
export type LockScope = 'user' | 'address' | 'user+address' | undefined;

const SCOPES: readonly LockScope[] = [undefined, 'user', 'address', 'user+address'];

/**
 * Brute-force brake on digest authentication, shared through Redis by every signalling process.
 * An attempt with credentials is reserved before the (slow) verification — per source address +
 * claimed user and per source address — so at most `maxFailures` guesses of one pair are ever
 * verified in a window, however many arrive at once. A success or a benign failure gives its
 * reservation back; a real failure keeps it, and the failure that reaches the limit locks the pair
 * (or the whole address, at five times the limit) for `lockoutSeconds`.
 */
export class AuthFailureLimiter {
  constructor(
    private readonly redis: Redis,
    private readonly limits: AuthFailureLimits,
    private readonly realm: string,
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

  /** Reserves one verification; false while locked out or with `maxFailures` attempts already counted. */
  async reserve(ip: string, user: string): Promise<boolean> {
    return (await this.redis.eval(RESERVE, 4, ...this.lockArgs(ip, user))) === 1;
  }

  /** Gives a reservation back: the attempt succeeded or failed for a benign reason (stale nonce). */
  async release(ip: string, user: string): Promise<void> {
    await this.redis.eval(
      RELEASE,
      2,
      authKeys.failures(this.realm, ip, user),
      authKeys.failures(this.realm, ip),
    );
  }

  /** The reserved attempt failed; resolves with what it locked now, if anything. */
  async failed(ip: string, user: string): Promise<LockScope> {
    return SCOPES[Number(await this.redis.eval(FAILED, 4, ...this.lockArgs(ip, user)))];
  }

  /**
   * Counts a failure that was verified without a reservation (voicemail PINs: one DTMF entry per
   * call at a time, checked against `isLocked` before the prompt).
   */
  async recordFailure(ip: string, user: string): Promise<LockScope> {
    await this.reserve(ip, user);
    return this.failed(ip, user);
  }

  /** KEYS (pair lock, address lock, pair attempts, address attempts) then ARGV (limits, seconds) of RESERVE and FAILED. */
  private lockArgs(ip: string, user: string): (string | number)[] {
    const { maxFailures, lockoutSeconds } = this.limits;
    return [
      authKeys.lockout(this.realm, ip, user),
      authKeys.lockout(this.realm, ip),
      authKeys.failures(this.realm, ip, user),
      authKeys.failures(this.realm, ip),
      maxFailures,
      maxFailures * ADDRESS_FACTOR,
      lockoutSeconds,
    ];
  }
}
