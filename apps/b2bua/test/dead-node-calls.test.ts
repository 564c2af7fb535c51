import crypto from 'node:crypto';
import { processesKey, redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { reapDeadNodeCalls, releaseOwnStaleSlots } from '../src/ops/dead-node-calls.js';
import { requiredEnv } from './support/test-env.js';

let redis: Redis;
const prefix = `test-reap-${crypto.randomBytes(4).toString('hex')}`;
const tag = crypto.randomBytes(4).toString('hex');
const id = (n: string): string => `${tag}-${n}`;
/** Park slot numbers of this run (sb:parked is one hash for every test file). */
const deadSlot = String(1_000_000 + crypto.randomInt(1_000_000));
const aliveSlot = String(Number(deadSlot) + 1_000_000);
const ownSlot = String(Number(deadSlot) + 2_000_000);

beforeAll(() => {
  redis = new Redis(requiredEnv('REDIS_URL'));
});

afterAll(async () => {
  const keys = [
    processesKey(prefix, 'signalling'),
    redisKeys.extensionCalls(`7${tag}`),
    redisKeys.trunkCalls(`t${tag}`),
    ...['dead', 'alive', 'unknown', 'restarted'].map((n) => redisKeys.call(id(n))),
  ];
  await redis.del(...keys);
  await redis.hdel(redisKeys.parkedCalls, deadSlot, aliveSlot, ownSlot);
  await redis.zrem(redisKeys.calls, ...['dead', 'alive', 'unknown', 'restarted'].map(id));
  redis.disconnect();
});

async function call(name: string, node: string): Promise<void> {
  await redis.hset(redisKeys.call(id(name)), { id: id(name), state: 'answered', node });
  await redis.zadd(redisKeys.calls, Date.now(), id(name));
}

describe('reapDeadNodeCalls (scale-out: a killed signalling process leaves no live calls)', () => {
  it("removes only the calls of this installation's processes silent longer than the bound, from every set", async () => {
    const [seconds] = await redis.time();
    const now = Number(seconds) * 1000;
    const beats = processesKey(prefix, 'signalling');
    await redis.zadd(beats, now - 20_000, `signalling:host-${tag}:111:aa`);
    await redis.zadd(beats, now, `signalling:host-${tag}:222:bb`);
    // The same host:pid beating again (a restart reusing the pid) is alive.
    await redis.zadd(
      beats,
      now - 20_000,
      `signalling:host-${tag}:333:cc`,
      now,
      `signalling:host-${tag}:333:dd`,
    );
    await call('dead', `host-${tag}:111`);
    await call('alive', `host-${tag}:222`);
    await call('unknown', `other-${tag}:444`);
    await call('restarted', `host-${tag}:333`);
    await redis.zadd(redisKeys.extensionCalls(`7${tag}`), now, id('dead'), now, id('alive'));
    await redis.zadd(redisKeys.trunkCalls(`t${tag}`), now, id('dead'));
    // Park slots (sb:parked, shared by every test file: slots of this file's own tag) held by them.
    const parked = (slot: string, node: string) =>
      JSON.stringify({
        slot: Number(slot),
        parked: '100',
        parker: '201',
        since: 0,
        timeoutAt: 1,
        call: 'c',
        node,
      });
    await redis.hset(redisKeys.parkedCalls, deadSlot, parked(deadSlot, `host-${tag}:111`));
    await redis.hset(redisKeys.parkedCalls, aliveSlot, parked(aliveSlot, `host-${tag}:222`));

    // Within the bound nothing goes.
    expect(await reapDeadNodeCalls(redis, prefix, 30_000)).toEqual([]);
    expect(await reapDeadNodeCalls(redis, prefix, 10_000)).toEqual([id('dead')]);
    expect(await redis.exists(redisKeys.call(id('dead')))).toBe(0);
    expect(await redis.zscore(redisKeys.calls, id('dead'))).toBeNull();
    expect(await redis.zrange(redisKeys.extensionCalls(`7${tag}`), 0, -1)).toEqual([id('alive')]);
    expect(await redis.exists(redisKeys.trunkCalls(`t${tag}`))).toBe(0);
    for (const kept of ['alive', 'unknown', 'restarted']) {
      expect(await redis.hget(redisKeys.call(id(kept)), 'state')).toBe('answered');
      expect(await redis.zscore(redisKeys.calls, id(kept))).not.toBeNull();
    }
    expect(await redis.hexists(redisKeys.parkedCalls, deadSlot)).toBe(0);
    expect(await redis.hexists(redisKeys.parkedCalls, aliveSlot)).toBe(1);
    // Another installation's registry knows none of these processes.
    expect(await reapDeadNodeCalls(redis, `${prefix}-other`, 10_000)).toEqual([]);

    // A restart reusing the pid (host-…:333 beats again): the reaper keeps its old slot, the new
    // process releases the slots naming its id at start, and only those.
    await redis.hset(redisKeys.parkedCalls, ownSlot, parked(ownSlot, `host-${tag}:333`));
    expect(await reapDeadNodeCalls(redis, prefix, 10_000)).toEqual([]);
    expect(await redis.hexists(redisKeys.parkedCalls, ownSlot)).toBe(1);
    expect(await releaseOwnStaleSlots(redis, `host-${tag}:333`)).toBe(1);
    expect(await redis.hexists(redisKeys.parkedCalls, ownSlot)).toBe(0);
    expect(await redis.hexists(redisKeys.parkedCalls, aliveSlot)).toBe(1);
  });
});
