import { describe, expect, it } from 'vitest';
import { pooledRandomBytes, randomHex64 } from '../src/index.js';

describe('pooledRandomBytes', () => {
  it('hands out copies of the requested length that never repeat, across pool refills', () => {
    const seen = new Set<string>();
    const lengths = new Set<number>();
    // 4 KiB pool / 12 bytes: several refills, including a request that straddles the pool's end.
    for (let i = 0; i < 2000; i++) {
      const bytes = pooledRandomBytes(12);
      lengths.add(bytes.length);
      seen.add(Buffer.from(bytes).toString('hex'));
    }
    expect([...lengths]).toEqual([12]);
    expect(seen.size).toBe(2000);
  });

  it('serves a request larger than the pool directly', () => {
    const big = pooledRandomBytes(10_000);
    expect(big).toHaveLength(10_000);
    expect(new Set(big).size).toBeGreaterThan(200); // random bytes, not a zeroed buffer
  });

  it('returns a copy: changing it does not change the next value', () => {
    const a = pooledRandomBytes(8);
    a.fill(0);
    expect(Buffer.from(pooledRandomBytes(8)).equals(Buffer.alloc(8))).toBe(false);
  });
});

describe('randomHex64', () => {
  it('gives 16 hex digits that do not repeat, drawn from the same pool', () => {
    const seen = new Set<string>();
    for (let i = 0; i < 1500; i++) {
      const t = randomHex64();
      expect(t).toMatch(/^[0-9a-f]{16}$/);
      seen.add(t);
      if (i % 100 === 0) pooledRandomBytes(13); // interleaved odd-sized takes do not misalign it
    }
    expect(seen.size).toBe(1500);
  });
});
