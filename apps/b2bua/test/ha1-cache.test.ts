import { describe, expect, it } from 'vitest';
import { Ha1Cache, type Ha1Row } from '../src/sip/ha1-cache.js';

const row = (ha1Md5: string): Ha1Row => ({
  enabled: true,
  displayName: 'Ext',
  sipRealm: 'pbx.test',
  ha1Md5,
  ha1Sha256: null,
  digestAlgorithms: [],
});

function setup(ttlMs = 1000, maxEntries = 10) {
  let now = 0;
  const loads: string[] = [];
  const db = new Map<string, Ha1Row>([
    ['100', row('a')],
    ['101', row('b')],
    ['102', row('c')],
  ]);
  const cache = new Ha1Cache({ ttlMs, maxEntries, now: () => now }, (u) => {
    loads.push(u);
    return Promise.resolve(db.get(u));
  });
  return { cache, loads, db, advance: (ms: number) => (now += ms) };
}

describe('Ha1Cache', () => {
  it('reuses a found row until the TTL ends, then reads it again', async () => {
    const { cache, loads, db, advance } = setup(1000);
    expect((await cache.get('100'))?.ha1Md5).toBe('a');
    db.set('100', row('changed'));
    advance(999);
    expect((await cache.get('100'))?.ha1Md5).toBe('a');
    advance(1);
    expect((await cache.get('100'))?.ha1Md5).toBe('changed');
    expect(loads).toEqual(['100', '100']);
  });

  it('never caches an unknown user', async () => {
    const { cache, loads, db } = setup();
    expect(await cache.get('999')).toBeUndefined();
    db.set('999', row('new'));
    expect((await cache.get('999'))?.ha1Md5).toBe('new');
    expect(loads).toEqual(['999', '999']);
  });

  it('knows without a read what was read within the TTL: a row, or that there is none', async () => {
    const { cache, loads, advance } = setup(1000, 2);
    expect(cache.known('100')).toBeUndefined();
    await cache.get('100');
    await cache.get('999');
    expect(cache.known('100')?.row?.ha1Md5).toBe('a');
    expect(cache.known('999')).toEqual({ row: undefined });
    advance(1000);
    expect(cache.known('100')).toBeUndefined();
    expect(cache.known('999')).toBeUndefined();
    // Unknown users are bounded apart from the rows: a spray of them never evicts an extension.
    for (const u of ['900', '901', '902', '903']) await cache.get(u);
    expect(cache.absentSize).toBe(2);
    expect(cache.size).toBe(1);
    expect(loads).toEqual(['100', '999', '900', '901', '902', '903']);
  });

  it('shares one query between concurrent misses', async () => {
    const { cache, loads } = setup();
    const [a, b] = await Promise.all([cache.get('101'), cache.get('101')]);
    expect(a?.ha1Md5).toBe('b');
    expect(b).toBe(a);
    expect(loads).toEqual(['101']);
  });

  it('evicts the oldest row beyond maxEntries', async () => {
    const { cache, loads } = setup(1000, 2);
    await cache.get('100');
    await cache.get('101');
    await cache.get('102'); // evicts 100
    await cache.get('101');
    await cache.get('100');
    expect(loads).toEqual(['100', '101', '102', '100']);
  });

  it('passes a database error on and does not remember it', async () => {
    let fail = true;
    const cache = new Ha1Cache({ ttlMs: 1000, maxEntries: 10, now: () => 0 }, () =>
      fail ? Promise.reject(new Error('db down')) : Promise.resolve(row('ok')),
    );
    await expect(cache.get('100')).rejects.toThrow('db down');
    fail = false;
    expect((await cache.get('100'))?.ha1Md5).toBe('ok');
  });

  it('with ttlMs 0 always reads the database', async () => {
    const { cache, loads } = setup(0);
    await cache.get('100');
    await cache.get('100');
    expect(loads).toEqual(['100', '100']);
  });
});
