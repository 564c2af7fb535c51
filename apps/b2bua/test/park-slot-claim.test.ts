import { parkedCallSchema, redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ParkSlotStore, type UnslottedParkedCall } from '../src/calls/park/park-slot.store.js';
import { requiredEnv } from './support/test-env.js';

// The slot claim every signalling node runs against the shared lot (`sb:parked`), on real Redis.
// Database 11 of its own: other test files expect `sb:parked` of database 0 as they left it.
let redis: Redis;

beforeAll(() => {
  redis = new Redis(`${requiredEnv('REDIS_URL')}/11`);
});
beforeEach(async () => {
  await redis.flushdb();
});
afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

function parked(call: string): UnslottedParkedCall {
  return { parked: '100', parker: '201', since: 1_765_000_000_000, timeoutAt: 1_765_000_045_000, call };
}

describe('ParkSlotStore.claim', () => {
  it('gives the first free slot with the entry and the node SIP address, nothing when the lot is full', async () => {
    const store = new ParkSlotStore(redis, '127.0.0.1:5060');
    expect(await store.claim(parked('a'), 701, 702)).toBe(701);
    expect(await store.claim(parked('b'), 701, 702)).toBe(702);
    expect(await store.claim(parked('c'), 701, 702)).toBeUndefined();
    expect(await store.holder(702)).toEqual({ ...parked('b'), slot: 702, sipNode: '127.0.0.1:5060' });
    expect(await redis.hlen(redisKeys.parkedCalls)).toBe(2);
  });

  it('a released slot is claimed again; a release by a call that does not hold the slot is ignored', async () => {
    const store = new ParkSlotStore(redis);
    await store.claim(parked('a'), 701, 703);
    await store.claim(parked('b'), 701, 703);
    await store.vacated(701, 'b');
    expect((await store.holder(701))?.call).toBe('a');
    await store.vacated(701, 'a');
    expect(await store.claim(parked('c'), 701, 703)).toBe(701);
    expect(await store.claim(parked('d'), 701, 703)).toBe(703);
  });

  it('concurrent claims from two nodes get different slots, as many as the lot has', async () => {
    const nodeA = new ParkSlotStore(redis, '127.0.0.1:5060');
    const redisB = new Redis(`${requiredEnv('REDIS_URL')}/11`);
    const nodeB = new ParkSlotStore(redisB, '127.0.0.1:5062');
    try {
      const calls = ['a1', 'b1', 'a2', 'b2', 'a3', 'b3', 'a4', 'b4'];
      const slots = await Promise.all(
        calls.map((c) => (c.startsWith('a') ? nodeA : nodeB).claim(parked(c), 701, 706)),
      );
      const given = slots.filter((s): s is number => s !== undefined);
      expect(given.sort()).toEqual([701, 702, 703, 704, 705, 706]);
      expect(slots.filter((s) => s === undefined)).toHaveLength(2);
      const entries = Object.values(await redis.hgetall(redisKeys.parkedCalls)).map((raw) =>
        parkedCallSchema.parse(JSON.parse(raw)),
      );
      expect(new Set(entries.map((e) => e.call)).size).toBe(6);
    } finally {
      redisB.disconnect();
    }
  });
});
