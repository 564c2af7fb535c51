import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuthFailureLimiter } from '../src/sip/auth-failure-limiter.js';
import { DeferredNonceCount } from '../src/sip/deferred-nonce-count.js';
import { authKeys, RedisNonceCountStore } from '../src/sip/redis-nonce-count-store.js';
import { requiredEnv } from './support/test-env.js';

// AuthFailureLimiter.settle: a verification done before any reservation (cached digest row) is
// settled with the lock-out and the nonce count in one script. Real Redis, database 12 of its own.
const LIMIT = 10;
let redis: Redis;

beforeAll(() => {
  redis = new Redis(`${requiredEnv('REDIS_URL')}/12`, { enableAutoPipelining: true });
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

function limiter(): AuthFailureLimiter {
  return new AuthFailureLimiter(redis, { maxFailures: LIMIT, lockoutSeconds: 60 }, randomUUID());
}

const mark = (nonce: string, nc = 1, check: string = randomUUID()) => ({
  nonce,
  nc,
  expiresAt: Date.now() + 60_000,
  check,
});

describe('AuthFailureLimiter.settle', () => {
  it('a success marks its nonce count once: the same count from another check is a replay', async () => {
    const l = limiter();
    const nonce = `n-${randomUUID()}`;
    expect(await l.settle('10.1.0.1', '100', 'ok', mark(nonce, 1, 'check-a'))).toEqual({ kind: 'settled' });
    // ioredis resends a script whose reply a reconnect lost: the same check is no replay.
    expect(await l.settle('10.1.0.1', '100', 'ok', mark(nonce, 1, 'check-a'))).toEqual({ kind: 'settled' });
    expect(await l.settle('10.1.0.1', '100', 'ok', mark(nonce, 1, 'check-b'))).toEqual({ kind: 'replayed' });
    expect(await l.settle('10.1.0.1', '100', 'ok', mark(nonce, 2))).toEqual({ kind: 'settled' });
    // The record is the one RedisNonceCountStore keeps: a count marked by either is used for both.
    expect(await new RedisNonceCountStore(redis).markUsed(nonce, 2, Date.now() + 60_000)).toBe(false);
    const ttl = await redis.pttl(authKeys.nonceCounts(nonce));
    expect(ttl).toBeGreaterThan(50_000);
    expect(await l.settle('10.1.0.1', '100', 'ok')).toEqual({ kind: 'settled' });
  });

  it('failures count as FAILED does; the one at the limit locks, and then every outcome is refused', async () => {
    const l = limiter();
    for (let i = 0; i < LIMIT - 1; i += 1)
      expect(await l.settle('10.1.0.2', '100', 'failed')).toEqual({ kind: 'failed', locked: undefined });
    expect(await l.settle('10.1.0.2', '100', 'failed')).toEqual({ kind: 'failed', locked: 'user' });
    expect(await l.isLocked('10.1.0.2', '100')).toBe(true);
    // A right password after the lock: refused, and its nonce count is not marked.
    const nonce = `n-${randomUUID()}`;
    expect(await l.settle('10.1.0.2', '100', 'ok', mark(nonce))).toEqual({ kind: 'locked' });
    expect(await redis.exists(authKeys.nonceCounts(nonce))).toBe(0);
    expect(await l.settle('10.1.0.2', '100', 'benign')).toEqual({ kind: 'locked' });
    expect(await l.reserve('10.1.0.2', '100', 'r')).toBe('locked');
    // Another user from the address is not locked (the address budget is five times larger).
    expect(await l.settle('10.1.0.2', '101', 'ok')).toEqual({ kind: 'settled' });
  });

  it('reservations in flight that fill the failure budget make it busy: nothing is counted or marked', async () => {
    const l = limiter();
    for (let i = 0; i < LIMIT - 2; i += 1) await l.settle('10.1.0.3', '100', 'failed');
    expect(await l.reserve('10.1.0.3', '100', 'a')).toBe('reserved');
    expect(await l.reserve('10.1.0.3', '100', 'b')).toBe('reserved');
    const nonce = `n-${randomUUID()}`;
    expect(await l.settle('10.1.0.3', '100', 'ok', mark(nonce))).toEqual({ kind: 'busy' });
    expect(await l.settle('10.1.0.3', '100', 'failed')).toEqual({ kind: 'busy' });
    expect(await redis.exists(authKeys.nonceCounts(nonce))).toBe(0);
    await l.release('10.1.0.3', '100', 'a');
    // One slot free again: this failure is the last of the budget and locks.
    expect(await l.settle('10.1.0.3', '100', 'failed')).toEqual({ kind: 'failed', locked: undefined });
    expect(await l.failed('10.1.0.3', '100', 'b')).toBe('user');
  });

  it('200 parallel failed guesses: exactly the limit are counted, exactly one reports the lock, the rest are refused', async () => {
    const l = limiter();
    const results = await Promise.all(
      Array.from({ length: 200 }, () => l.settle('10.1.0.4', '100', 'failed')),
    );
    const failed = results.filter((r) => r.kind === 'failed');
    expect(failed).toHaveLength(LIMIT);
    expect(failed.filter((r) => r.kind === 'failed' && r.locked === 'user')).toHaveLength(1);
    expect(results.filter((r) => r.kind === 'locked')).toHaveLength(200 - LIMIT);
  });
});

describe('DeferredNonceCount', () => {
  it('lets the count pass and keeps it for the settling script, with a check token of its own', async () => {
    const store = new DeferredNonceCount();
    expect(store.mark).toBeUndefined();
    expect(await store.markUsed('nonce-x', 3, 1234)).toBe(true);
    expect(store.mark).toMatchObject({ nonce: 'nonce-x', nc: 3, expiresAt: 1234 });
    expect(store.mark?.check).toMatch(/^[0-9a-f-]{36}$/);
  });
});
