import { describe, expect, it } from 'vitest';
import { LookupCache, type LookupCacheOptions } from '../src/routing/lookup-cache.js';

function cacheWith(ttlMs: number, extra: Partial<LookupCacheOptions<string | undefined>> = {}) {
  let now = 0;
  const loads: string[] = [];
  const stale: string[] = [];
  let fail = false;
  const cache = new LookupCache<string | undefined>(
    {
      ttlMs,
      staleMs: 0,
      maxEntries: 10,
      now: () => now,
      onStale: (key, err, age) => stale.push(`${key} ${(err as Error).message} ${age}`),
      ...extra,
    },
    (key) => {
      loads.push(key);
      if (fail) return Promise.reject(new Error('db down at 127.0.0.1:5432'));
      return Promise.resolve(key.startsWith('x') ? undefined : `row ${key}`);
    },
  );
  return {
    cache,
    loads,
    stale,
    advance: (ms: number) => (now += ms),
    failing: (v: boolean) => (fail = v),
  };
}

describe('LookupCache (directory reads of the routing worker and the digest rows)', () => {
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

  it('keeps only what `keep` accepts (digest rows: an unknown user is always looked up)', async () => {
    const c = cacheWith(1000, { keep: (v) => v !== undefined });
    await c.cache.get('x1');
    await c.cache.get('x1');
    await c.cache.get('201');
    await c.cache.get('201');
    expect(c.loads).toEqual(['x1', 'x1', '201']);
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
    expect(off.cache.size).toBe(0);
    const small = cacheWith(1000, { maxEntries: 2 });
    for (const k of ['1', '2', '3']) await small.cache.get(k);
    expect(small.cache.size).toBe(2);
    await small.cache.get('1');
    expect(small.loads).toEqual(['1', '2', '3', '1']);
  });

  it('evicts the least recently used key, not the first loaded (lru-cache)', async () => {
    const c = cacheWith(1000, { maxEntries: 2 });
    await c.cache.get('1');
    await c.cache.get('2');
    await c.cache.get('1'); // a hit: '1' is now the most recently used
    await c.cache.get('3'); // full: '2' goes
    await c.cache.get('1');
    await c.cache.get('2');
    expect(c.loads).toEqual(['1', '2', '3', '2']);
  });

  it('forgets an entry once it is past TTL + stale window, so it can no longer stand in', async () => {
    const c = cacheWith(1000, { staleMs: 500 });
    c.advance(10); // a clock at 0 means "no TTL" to lru-cache; real monotonic clocks never are
    await c.cache.get('201');
    expect(c.cache.size).toBe(1);
    c.advance(1500);
    c.failing(true);
    await expect(c.cache.get('201')).rejects.toThrow('db down');
    expect(c.cache.size).toBe(0);
    expect(c.stale).toEqual([]);
  });

  it('serves a value whose reload fails for staleMs after its TTL, then fails', async () => {
    const c = cacheWith(1000, { staleMs: 60_000 });
    await c.cache.get('201');
    c.failing(true);
    c.advance(30_000);
    // The reload is tried every time (a recovered database is used at once) and fails: stale row.
    expect(await c.cache.get('201')).toBe('row 201');
    expect(await c.cache.get('201')).toBe('row 201');
    expect(c.loads).toEqual(['201', '201', '201']);
    expect(c.stale).toEqual(['201 db down at 127.0.0.1:5432 30000', '201 db down at 127.0.0.1:5432 30000']);
    c.advance(30_999);
    expect(await c.cache.get('201')).toBe('row 201');
    c.advance(1); // 61 s after the load: past TTL + staleMs
    await expect(c.cache.get('201')).rejects.toThrow('db down');
    expect(c.cache.size).toBe(0);
    // Unknown keys are never invented.
    await expect(c.cache.get('202')).rejects.toThrow('db down');
    c.failing(false);
    expect(await c.cache.get('201')).toBe('row 201');
  });

  it('with TTL 0 (read per call) still keeps the last value for an outage', async () => {
    const c = cacheWith(0, { staleMs: 5000 });
    await c.cache.get('201');
    await c.cache.get('201');
    expect(c.loads).toEqual(['201', '201']);
    c.failing(true);
    c.advance(4000);
    expect(await c.cache.get('201')).toBe('row 201');
    expect(c.cache.size).toBe(1);
  });

  it('a "not found" that `keep` refuses removes the old row (a deleted extension is forgotten)', async () => {
    let gone = false;
    const cache = new LookupCache<string | undefined>(
      { ttlMs: 0, staleMs: 60_000, maxEntries: 10, now: () => 0, keep: (v) => v !== undefined },
      () => Promise.resolve(gone ? undefined : 'row'),
    );
    expect(await cache.get('201')).toBe('row');
    gone = true;
    expect(await cache.get('201')).toBeUndefined();
    expect(cache.size).toBe(0);
  });
});

describe('LookupCache with slowLoadMs', () => {
  it('serves the stale value when a reload hangs, and the late load still refreshes the cache', async () => {
    let now = 0;
    let release: (v: string) => void = () => undefined;
    let hang = false;
    const timers: Array<() => void> = [];
    const stale: string[] = [];
    const cache = new LookupCache<string>(
      {
        ttlMs: 1000,
        staleMs: 60_000,
        slowLoadMs: 500,
        maxEntries: 10,
        now: () => now,
        onStale: (key, err) => stale.push(`${key}: ${(err as Error).message}`),
        schedule: (_ms, fn) => {
          timers.push(fn);
          return { cancel: () => timers.splice(timers.indexOf(fn), 1) };
        },
      },
      () => (hang ? new Promise<string>((r) => (release = r)) : Promise.resolve('v1')),
    );
    expect(await cache.get('k')).toBe('v1');
    expect(timers).toHaveLength(0); // a miss with nothing cached waits for the load
    hang = true;
    now = 2000;
    const waiting = cache.get('k');
    expect(timers).toHaveLength(1);
    timers[0]!(); // 500 ms pass
    expect(await waiting).toBe('v1');
    expect(stale).toEqual(['k: load still running after 500 ms']);
    // The same load still hangs, past the bound: a further call does not wait another 500 ms.
    now = 2600;
    expect(await cache.get('k')).toBe('v1');
    expect(timers).toHaveLength(1); // no new timer: only the fired one
    expect(stale).toHaveLength(2);
    release('v2');
    await Promise.resolve();
    await Promise.resolve();
    expect(await cache.get('k')).toBe('v2');
  });
});
