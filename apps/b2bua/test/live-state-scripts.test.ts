import { randomUUID } from 'node:crypto';
import { redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ActiveCallStore } from '../src/calls/records/active-call-store.js';
import { LuaScript } from '../src/redis/lua-script.js';
import { authKeys, RedisNonceCountStore } from '../src/sip/redis-nonce-count-store.js';
import { requiredEnv } from './support/test-env.js';

// The live-call writes and the nonce-count check are one Lua script each (bench:cps: fewer Redis
// commands per call). Their effect must be what the admin app and the registrar expect.
// Database 14 of its own: other test files assert that `sb:calls` of database 0 is empty.
let redis: Redis;

beforeAll(() => {
  redis = new Redis(`${requiredEnv('REDIS_URL')}/14`, { enableAutoPipelining: true });
});

afterAll(async () => {
  await redis.flushdb();
  redis.disconnect();
});

describe('ActiveCallStore scripts', () => {
  it('started writes the hash, sb:calls and the caller extension set; ended removes all of it', async () => {
    const store = new ActiveCallStore(redis);
    await store.started({
      id: 'call-a',
      from: 'sip:100@pbx.test',
      fromDisplayName: 'Alice Smith',
      to: '201',
      startedAt: 1_700_000_000_000,
      callerExtension: '100',
      callerUserAgent: 'sipp',
    });
    expect(await redis.hgetall(redisKeys.call('call-a'))).toEqual({
      id: 'call-a',
      state: 'routing',
      from: 'sip:100@pbx.test',
      fromDisplayName: 'Alice Smith',
      to: '201',
      startedAt: '1700000000000',
      callerUserAgent: 'sipp',
    });
    expect(await redis.zscore(redisKeys.calls, 'call-a')).toBe('1700000000000');
    expect(await redis.zscore(redisKeys.extensionCalls('100'), 'call-a')).toBe('1700000000000');

    await store.state('call-a', 'answered', { answeredAt: '1700000001000' });
    await store.joined('call-a', '201', 1_700_000_001_000);
    expect(await redis.hget(redisKeys.call('call-a'), 'state')).toBe('answered');
    expect(await redis.zscore(redisKeys.extensionCalls('201'), 'call-a')).toBe('1700000001000');

    await store.ended('call-a', ['100', '201']);
    expect(await redis.exists(redisKeys.call('call-a'))).toBe(0);
    expect(await redis.zscore(redisKeys.calls, 'call-a')).toBeNull();
    expect(await redis.zscore(redisKeys.extensionCalls('100'), 'call-a')).toBeNull();
    expect(await redis.zscore(redisKeys.extensionCalls('201'), 'call-a')).toBeNull();
    // A state change racing the teardown (a late ACK or 180) does not bring the call back.
    await store.state('call-a', 'bridged');
    expect(await redis.exists(redisKeys.call('call-a'))).toBe(0);
  });

  it('a call without a caller extension touches only its hash and sb:calls; other calls stay', async () => {
    const store = new ActiveCallStore(redis);
    await store.started({ id: 'call-b', from: 'sip:x@far.example', to: '201', startedAt: 5 });
    await store.started({ id: 'call-c', from: 'sip:y@far.example', to: '202', startedAt: 6 });
    expect(await redis.zrange(redisKeys.calls, 0, -1)).toEqual(expect.arrayContaining(['call-b', 'call-c']));
    expect(await redis.hget(redisKeys.call('call-b'), 'fromDisplayName')).toBeNull();
    await store.ended('call-b', []);
    expect(await redis.exists(redisKeys.call('call-b'))).toBe(0);
    expect(await redis.zscore(redisKeys.calls, 'call-b')).toBeNull();
    expect(await redis.zscore(redisKeys.calls, 'call-c')).toBe('6');
    await store.ended('call-c', []);
  });
});

describe('ActiveCallStore state with a joining extension', () => {
  it('writes the state and adds the call to the extension set in one script; after the end only the set entry, as joined does', async () => {
    const store = new ActiveCallStore(redis);
    await store.started({
      id: 'call-j',
      from: 'sip:100@pbx.test',
      to: '201',
      startedAt: 10,
      callerExtension: '100',
    });
    await store.state('call-j', 'answered', { answeredAt: '20' }, { extension: '201', at: 20 });
    expect(await redis.hmget(redisKeys.call('call-j'), 'state', 'answeredAt')).toEqual(['answered', '20']);
    expect(await redis.zscore(redisKeys.extensionCalls('201'), 'call-j')).toBe('20');
    await store.ended('call-j', ['100', '201']);
    expect(await redis.zscore(redisKeys.extensionCalls('201'), 'call-j')).toBeNull();
    // Late: the hash is not brought back (as state), the set entry is written (as joined was).
    await store.state('call-j', 'answered', { answeredAt: '30' }, { extension: '202', at: 30 });
    expect(await redis.exists(redisKeys.call('call-j'))).toBe(0);
    expect(await redis.zscore(redisKeys.extensionCalls('202'), 'call-j')).toBe('30');
    await redis.del(redisKeys.extensionCalls('202'));
  });
});

describe('LuaScript', () => {
  it('runs by SHA1 and loads the script when Redis does not know it (NOSCRIPT: new, or after a restart)', async () => {
    // A text of its own: Redis has never seen it (no SCRIPT FLUSH, other suites share this Redis).
    const script = new LuaScript(`-- ${randomUUID()}\nreturn redis.call('INCRBY', KEYS[1], ARGV[1])`);
    expect(await redis.script('EXISTS', script.sha)).toEqual([0]);
    expect(await script.run(redis, ['lua-script-test'], [2])).toBe(2);
    expect(await redis.script('EXISTS', script.sha)).toEqual([1]);
    expect(await script.run(redis, ['lua-script-test'], [3])).toBe(5);
    await expect(new LuaScript(`return redis.call('NOPE')`).run(redis, [], [])).rejects.toThrow(
      /Unknown Redis command/i,
    );
    await redis.del('lua-script-test');
  });
});

describe('RedisNonceCountStore script', () => {
  it('accepts a nonce count once, a new count again, and the record expires with the nonce', async () => {
    const store = new RedisNonceCountStore(redis);
    const expiresAt = Date.now() + 60_000;
    expect(await store.markUsed('nonce-1', 1, expiresAt)).toBe(true);
    expect(await store.markUsed('nonce-1', 1, expiresAt)).toBe(false);
    expect(await store.markUsed('nonce-1', 2, expiresAt)).toBe(true);
    expect(await redis.hkeys(authKeys.nonceCounts('nonce-1'))).toEqual(expect.arrayContaining(['1', '2']));
    const ttl = await redis.pttl(authKeys.nonceCounts('nonce-1'));
    expect(ttl).toBeGreaterThan(50_000);
    expect(ttl).toBeLessThanOrEqual(60_000);
  });

  it('the same check sent twice (ioredis resends after a reconnect) is no replay; another check is', async () => {
    const store = new RedisNonceCountStore(redis);
    const expiresAt = Date.now() + 60_000;
    expect(await store.markUsed('nonce-2', 1, expiresAt, 'check-a')).toBe(true);
    expect(await store.markUsed('nonce-2', 1, expiresAt, 'check-a')).toBe(true);
    expect(await store.markUsed('nonce-2', 1, expiresAt, 'check-b')).toBe(false);
  });
});
