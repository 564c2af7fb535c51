import { describe, expect, it } from 'vitest';
import { LookupCache } from '../src/services/lookup-cache.js';

function cacheWith(ttlMs: number, maxEntries = 10) {
  let now = 0;
  const loads: string[] = [];
  let fail = false;
  const cache = new LookupCache<string | undefined>({ ttlMs, maxEntries, now: () => now }, (key) => {
    loads.push(key);
    if (fail) return Promise.reject(new Error('db down'));
    return Promise.resolve(key.startsWith('x') ? undefined : `row ${key}`);
  });
  return {
    cache,
    loads,
    advance: (ms: number) => (now += ms),
    failing: (v: boolean) => (fail = v),
  };
}

describe('LookupCache (routing worker directory reads)', () => {
  it('reuses a value and a "not found" within the TTL, reloads after it', async () => {
    const c = cacheWith(1000);
    expect(await c.cache.get('201')).toBe('row 201');
    expect(await c.cache.get('x9')).toBeUndefined();
    c.advance(999);
    expect(await c.cache.get('201')).toBe('row 201');
    expect(await c.cache.get('x9')).toBeUndefined();
    expect(c.loads).toEqual(['201', 'x9']);
    c.advance(1);
    await c.cache.get('201');
    expect(c.loads).toEqual(['201', 'x9', '201']);
  });

  it('shares one load between concurrent misses and keeps no failure', async () => {
    const c = cacheWith(1000);
    const [a, b] = await Promise.all([c.cache.get('201'), c.cache.get('201')]);
    expect([a, b]).toEqual(['row 201', 'row 201']);
    expect(c.loads).toEqual(['201']);
    c.failing(true);
    await expect(c.cache.get('202')).rejects.toThrow('db down');
    c.failing(false);
    expect(await c.cache.get('202')).toBe('row 202');
    expect(c.loads).toEqual(['201', '202', '202']);
  });

  it('TTL 0 always loads; the oldest key goes when full', async () => {
    const off = cacheWith(0);
    await off.cache.get('201');
    await off.cache.get('201');
    expect(off.loads).toEqual(['201', '201']);
    const small = cacheWith(1000, 2);
    for (const k of ['1', '2', '3']) await small.cache.get(k);
    expect(small.cache.size).toBe(2);
    await small.cache.get('1');
    expect(small.loads).toEqual(['1', '2', '3', '1']);
  });
});
