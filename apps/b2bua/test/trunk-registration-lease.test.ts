import { randomUUID } from 'node:crypto';
import { redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { TrunkRegistrationLease } from '../src/trunks/trunk-registration-lease.js';
import { requiredEnv } from './support/test-env.js';

// Two signalling nodes against real Redis: one registers a trunk, the other takes it over when the
// first releases it or stops renewing. Trunk ids are random, so cases and other files share nothing.
let redis: Redis;
const trunks: string[] = [];

beforeAll(() => {
  redis = new Redis(requiredEnv('REDIS_URL'));
});

afterAll(async () => {
  if (trunks.length > 0) await redis.del(...trunks.map((t) => redisKeys.trunkRegistrationLease(t)));
  redis.disconnect();
});

function trunk(): string {
  const id = randomUUID();
  trunks.push(id);
  return id;
}

describe('TrunkRegistrationLease', () => {
  it('one node holds a trunk; the other gets it once released', async () => {
    const a = new TrunkRegistrationLease(redis, 'node-a', 60_000);
    const b = new TrunkRegistrationLease(redis, 'node-b', 60_000);
    const id = trunk();
    expect(await a.hold(id)).toBe(true);
    expect(await b.hold(id)).toBe(false);
    expect(await a.hold(id)).toBe(true); // renewal by the holder
    await b.release(id); // not the holder: no effect
    expect(await redis.get(redisKeys.trunkRegistrationLease(id))).toBe('node-a');
    await a.release(id);
    expect(await b.hold(id)).toBe(true);
    expect(await a.hold(id)).toBe(false);
  });

  it('a holder that stops renewing (a dead node) loses the trunk after the lease time', async () => {
    const a = new TrunkRegistrationLease(redis, 'node-a', 50);
    const b = new TrunkRegistrationLease(redis, 'node-b', 60_000);
    const id = trunk();
    expect(await a.hold(id)).toBe(true);
    expect(await redis.pttl(redisKeys.trunkRegistrationLease(id))).toBeGreaterThan(0);
    // Redis expires the key on its own clock; poll it (bounded) rather than sleep a guess.
    for (let i = 0; i < 100 && (await redis.exists(redisKeys.trunkRegistrationLease(id))); i += 1)
      await new Promise((r) => setTimeout(r, 10));
    expect(await b.hold(id)).toBe(true);
    expect(await redis.pttl(redisKeys.trunkRegistrationLease(id))).toBeGreaterThan(50);
  });
});
