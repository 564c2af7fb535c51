import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { JitterBuffer } from '../src/rtp/jitter-buffer.js';
import { FakeClock } from './support/fake-clock.js';

describe('JitterBuffer', () => {
  it('releases in-order packets at once', () => {
    const jb = new JitterBuffer<number>({ clock: new FakeClock() });
    expect(jb.push(10, 10)).toBe('buffered');
    expect(jb.release()).toEqual([10]);
    jb.push(11, 11);
    expect(jb.release()).toEqual([11]);
  });

  it('reorders a swapped pair', () => {
    const jb = new JitterBuffer<number>({ clock: new FakeClock() });
    jb.push(1, 1);
    jb.release();
    jb.push(3, 3);
    expect(jb.release()).toEqual([]);
    jb.push(2, 2);
    expect(jb.release()).toEqual([2, 3]);
    expect(jb.stats.lost).toBe(0);
  });

  it('drops duplicates and late packets', () => {
    const jb = new JitterBuffer<number>({ clock: new FakeClock() });
    jb.push(1, 1);
    jb.release();
    jb.push(3, 3);
    expect(jb.push(3, 3)).toBe('duplicate');
    expect(jb.push(1, 1)).toBe('late');
    expect(jb.stats).toMatchObject({ duplicate: 1, late: 1 });
  });

  it('gives up on a gap after maxDelayMs on the injected clock', () => {
    const clock = new FakeClock();
    const jb = new JitterBuffer<number>({ clock, maxDelayMs: 60 });
    jb.push(1, 1);
    jb.release();
    jb.push(4, 4);
    jb.push(5, 5);
    expect(jb.nextDeadline()).toBe(60);
    clock.advance(59);
    expect(jb.release()).toEqual([]);
    clock.advance(1);
    expect(jb.release()).toEqual([4, 5]);
    expect(jb.stats.lost).toBe(2);
    // 2 and 3 arrive too late now.
    expect(jb.push(2, 2)).toBe('late');
  });

  it('is bounded: overflow forces the oldest out across a gap', () => {
    const jb = new JitterBuffer<number>({ clock: new FakeClock(), maxDepth: 3, maxDelayMs: 1000 });
    jb.push(1, 1);
    jb.release();
    for (const s of [3, 4, 5]) jb.push(s, s);
    expect(jb.release()).toEqual([]);
    jb.push(6, 6);
    expect(jb.release()).toEqual([3, 4, 5, 6]);
    expect(jb.stats).toMatchObject({ overflow: 1, lost: 1 });
    expect(jb.depth).toBe(0);
  });

  it('outputs any permutation of a window in ascending order without loss (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.integer({ min: 0, max: 1000 }), { minLength: 1, maxLength: 6 }).chain((keys) =>
          fc.shuffledSubarray(
            keys.map((_, i) => i + 2),
            { minLength: keys.length, maxLength: keys.length },
          ),
        ),
        (order) => {
          const jb = new JitterBuffer<number>({ clock: new FakeClock(), maxDepth: 10 });
          jb.push(1, 1);
          const out = jb.release();
          for (const s of order) {
            jb.push(s, s);
            out.push(...jb.release());
          }
          expect(out).toEqual([1, ...[...order].sort((a, b) => a - b)]);
        },
      ),
    );
  });
});
