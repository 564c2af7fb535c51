import { describe, expect, it } from 'vitest';
import { LogThrottle } from '../src/log-throttle.js';

describe('LogThrottle', () => {
  it('lets one line per key per interval through and reports how many were held back', () => {
    let now = 0;
    const t = new LogThrottle({ intervalMs: 1000, maxKeys: 10, now: () => now });
    expect(t.admit('a')).toBe(0);
    expect(t.admit('a')).toBeUndefined();
    expect(t.admit('a')).toBeUndefined();
    expect(t.admit('b')).toBe(0);
    now = 1000;
    expect(t.admit('a')).toBe(2);
    expect(t.admit('a')).toBeUndefined();
  });

  it('keeps at most maxKeys keys, forgetting the oldest', () => {
    const t = new LogThrottle({ intervalMs: 60_000, maxKeys: 3, now: () => 0 });
    for (const k of ['a', 'b', 'c', 'd']) t.admit(k);
    expect(t.size).toBe(3);
    expect(t.admit('a')).toBe(0); // forgotten: logged again
    expect(t.admit('d')).toBeUndefined();
  });
});
