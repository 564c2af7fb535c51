import { randomUUID } from 'node:crypto';
import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { AuthFailureLimiter, LockScope } from './auth-failure-limiter.js';

/** A reserved verification: exactly one of `succeeded` (or benign / not verified) and `failed` ends it. */
export interface ReservedAttempt {
  /** Gives the reservation back (success, a benign failure such as a stale nonce, or nothing verified). */
  release(): Promise<void>;
  /** Counts the failure; resolves with the lock it set now, if any. */
  failed(): Promise<LockScope>;
}

export type GateResult =
  | { readonly kind: 'reserved'; readonly attempt: ReservedAttempt }
  | { readonly kind: 'locked' }
  /** No slot within `maxWaitMs`, or too many attempts already waiting: a temporary condition (503). */
  | { readonly kind: 'busy' };

export interface AuthAttemptGateOptions {
  readonly clock: Clock;
  /** Longest wait for a slot (default: the limiter's reservation lifetime, after which any slot frees). */
  readonly maxWaitMs?: number;
  /** Attempts waiting at once in this process (the rest are answered busy at once). */
  readonly maxWaiting?: number;
}

/** First re-try of a busy attempt, doubled up to RETRY_MAX_MS (a slot held by another process). */
const RETRY_FIRST_MS = 10;
const RETRY_MAX_MS = 160;

/**
 * Waits for a verification slot of AuthFailureLimiter. An attempt that finds the failure budget of
 * its address + user filled by verifications still in flight waits until one ends: it is woken when
 * a reservation of the same pair ends in this process, and re-tries on the clock with back-off for
 * those held elsewhere. Attempts that piled up (e.g. while Redis reconnects) thus go through a few
 * at a time instead of being refused, while parallel guesses still meet the lock once the budget's
 * failures are in.
 */
export class AuthAttemptGate {
  private readonly wakers = new Map<string, Set<() => void>>();
  private waiting = 0;
  private readonly maxWaitMs: number;
  private readonly maxWaiting: number;

  constructor(
    private readonly limiter: AuthFailureLimiter,
    private readonly options: AuthAttemptGateOptions,
  ) {
    this.maxWaitMs = options.maxWaitMs ?? limiter.reservationTtlMs;
    this.maxWaiting = options.maxWaiting ?? 1000;
  }

  /** Attempts waiting for a slot in this process now. */
  get waitingCount(): number {
    return this.waiting;
  }

  async enter(ip: string, user: string): Promise<GateResult> {
    const token = randomUUID();
    const key = `${ip} ${user}`;
    const deadline = this.options.clock.now() + this.maxWaitMs;
    for (let delay = RETRY_FIRST_MS; ; delay = Math.min(delay * 2, RETRY_MAX_MS)) {
      const result = await this.limiter.reserve(ip, user, token);
      if (result === 'locked') return { kind: 'locked' };
      if (result === 'reserved') return { kind: 'reserved', attempt: this.attempt(ip, user, token, key) };
      const left = deadline - this.options.clock.now();
      if (left <= 0 || this.waiting >= this.maxWaiting) return { kind: 'busy' };
      await this.wait(key, Math.min(delay, left));
    }
  }

  private attempt(ip: string, user: string, token: string, key: string): ReservedAttempt {
    let ended = false;
    const end = async <T>(settle: () => Promise<T>): Promise<T> => {
      if (ended) throw new Error('the reserved attempt has already ended');
      ended = true;
      try {
        return await settle();
      } finally {
        this.wake(key);
      }
    };
    return {
      release: () => end(() => this.limiter.release(ip, user, token)),
      failed: () => end(() => this.limiter.failed(ip, user, token)),
    };
  }

  /** Resolves when a reservation of `key` ends here or after `ms`, whichever comes first. */
  private wait(key: string, ms: number): Promise<void> {
    this.waiting += 1;
    return new Promise<void>((resolve) => {
      const set = this.wakers.get(key) ?? new Set<() => void>();
      this.wakers.set(key, set);
      const done = (): void => {
        timer.cancel();
        set.delete(done);
        if (set.size === 0 && this.wakers.get(key) === set) this.wakers.delete(key);
        this.waiting -= 1;
        resolve();
      };
      set.add(done);
      const timer: TimerHandle = this.options.clock.schedule(ms, done);
    });
  }

  /** A slot of `key` is free again: every attempt waiting for it tries once more. */
  private wake(key: string): void {
    const set = this.wakers.get(key);
    if (set) for (const done of [...set]) done();
  }
}
