import { randomUUID } from 'node:crypto';
import { SystemClock } from '@switchboard/transactions';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { AuthAttemptGate } from '../src/sip/auth-attempt-gate.js';
import { AuthFailureLimiter } from '../src/sip/auth-failure-limiter.js';
import { requiredEnv } from './support/test-env.js';

// The lock-out's reservations against real Redis (database 13 of its own). Only failures lock; the
// verifications in flight are bounded by the failure budget left, and an attempt beyond it waits.
const LIMIT = 10;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(`${requiredEnv('REDIS_URL')}/13`, { enableAutoPipelining: true });
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

/** A limiter of a realm of its own, so the cases share nothing. */
function limiter(ttlMs?: number): AuthFailureLimiter {
  return new AuthFailureLimiter(redis, { maxFailures: LIMIT, lockoutSeconds: 60 }, randomUUID(), ttlMs);
}

/** Resolves after every pending Redis reply and timer callback of this turn. */
const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('AuthFailureLimiter reservations', () => {
  it('a full budget of verifications in flight makes the next attempt busy, not locked', async () => {
    const l = limiter();
    for (let i = 0; i < LIMIT; i += 1) expect(await l.reserve('10.0.0.1', '100', `t${i}`)).toBe('reserved');
    expect(await l.reserve('10.0.0.1', '100', 'next')).toBe('busy');
    expect(await l.isLocked('10.0.0.1', '100')).toBe(false);
    // Another user from the same address has a budget of its own (the address's is five times larger).
    expect(await l.reserve('10.0.0.1', '101', 'other')).toBe('reserved');
    // A reservation sent again (ioredis resends after a reconnect) stays reserved, even at the limit.
    expect(await l.reserve('10.0.0.1', '100', 't9')).toBe('reserved');
    await l.release('10.0.0.1', '100', 't0');
    expect(await l.reserve('10.0.0.1', '100', 'next')).toBe('reserved');
  });

  it('failures, not reservations, lock: the failure at the limit locks the pair', async () => {
    const l = limiter();
    for (let i = 0; i < LIMIT - 1; i += 1) {
      expect(await l.reserve('10.0.0.2', '100', `t${i}`)).toBe('reserved');
      expect(await l.failed('10.0.0.2', '100', `t${i}`)).toBeUndefined();
    }
    // One failure left in the budget: one verification at a time.
    expect(await l.reserve('10.0.0.2', '100', 'a')).toBe('reserved');
    expect(await l.reserve('10.0.0.2', '100', 'b')).toBe('busy');
    expect(await l.failed('10.0.0.2', '100', 'a')).toBe('user');
    expect(await l.reserve('10.0.0.2', '100', 'b')).toBe('locked');
    expect(await l.isLocked('10.0.0.2', '100')).toBe(true);
  });

  it('a reservation never given back (its process died) frees its slot after the reservation lifetime', async () => {
    const l = limiter(300);
    for (let i = 0; i < LIMIT; i += 1) expect(await l.reserve('10.0.0.3', '100', `t${i}`)).toBe('reserved');
    expect(await l.reserve('10.0.0.3', '100', 'late')).toBe('busy');
    await vi.waitFor(async () => expect(await l.reserve('10.0.0.3', '100', 'late')).toBe('reserved'), {
      timeout: 3000,
      interval: 50,
    });
  });
});

describe('AuthAttemptGate', () => {
  it('attempts of a user with no failures that pile up (Redis reconnecting) all get through, none refused', async () => {
    const gate = new AuthAttemptGate(limiter(), { clock: new SystemClock() });
    const PILED = 60;
    let inFlight = 0;
    let most = 0;
    const results = await Promise.all(
      Array.from({ length: PILED }, async () => {
        const entry = await gate.enter('10.0.1.1', '100');
        if (entry.kind !== 'reserved') return entry.kind;
        inFlight += 1;
        most = Math.max(most, inFlight);
        await tick(); // the verification (digest row, nonce count)
        inFlight -= 1;
        await entry.attempt.release(); // it succeeded
        return entry.kind;
      }),
    );
    expect(results).toEqual(Array(PILED).fill('reserved'));
    expect(most).toBeLessThanOrEqual(LIMIT);
    expect(gate.waitingCount).toBe(0);
  });

  it('200 parallel guesses: at most the limit are verified, the rest meet the lock', async () => {
    const gate = new AuthAttemptGate(limiter(), { clock: new SystemClock() });
    let verified = 0;
    const results = await Promise.all(
      Array.from({ length: 200 }, async () => {
        const entry = await gate.enter('10.0.1.2', '100');
        if (entry.kind !== 'reserved') return entry.kind;
        verified += 1;
        await tick();
        await entry.attempt.failed(); // a wrong password
        return entry.kind;
      }),
    );
    expect(verified).toBe(LIMIT);
    expect(results.filter((r) => r === 'locked')).toHaveLength(200 - LIMIT);
    expect(gate.waitingCount).toBe(0);
  });

  it('an attempt that finds no slot within its wait is busy (answered 503, not 403)', async () => {
    const l = limiter();
    for (let i = 0; i < LIMIT; i += 1) await l.reserve('10.0.1.3', '100', `held-elsewhere-${i}`);
    const gate = new AuthAttemptGate(l, { clock: new SystemClock(), maxWaitMs: 200 });
    expect((await gate.enter('10.0.1.3', '100')).kind).toBe('busy');
    expect(gate.waitingCount).toBe(0);
  });
});
