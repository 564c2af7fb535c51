import { afterEach, describe, expect, it, vi } from 'vitest';
import { WriteBatcher } from '../src/jobs/write-batcher.js';

function batcherWith(failMany = false, badItem = -1) {
  const many: number[][] = [];
  const one: number[] = [];
  const b = new WriteBatcher<number>(
    { maxItems: 3, maxDelayMs: 5 },
    (items) => {
      many.push([...items]);
      return failMany ? Promise.reject(new Error('batch failed')) : Promise.resolve();
    },
    (item) => {
      one.push(item);
      return item === badItem ? Promise.reject(new Error(`bad ${item}`)) : Promise.resolve();
    },
  );
  return { b, many, one };
}

afterEach(() => {
  vi.useRealTimers();
});

describe('WriteBatcher (call records in one INSERT)', () => {
  it('writes a full batch at once and the rest after the delay', async () => {
    vi.useFakeTimers();
    const { b, many } = batcherWith();
    const done = [1, 2, 3, 4].map((n) => b.add(n));
    await Promise.all(done.slice(0, 3));
    expect(many).toEqual([[1, 2, 3]]);
    await vi.advanceTimersByTimeAsync(5);
    await done[3];
    expect(many).toEqual([[1, 2, 3], [4]]);
  });

  it('a failed batch is retried item by item: only the bad item fails', async () => {
    const { b, many, one } = batcherWith(true, 2);
    const results = await Promise.allSettled([1, 2, 3].map((n) => b.add(n)));
    expect(many).toEqual([[1, 2, 3]]);
    expect(one).toEqual([1, 2, 3]);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('flush writes what waits, and nothing when empty', async () => {
    const { b, many } = batcherWith();
    b.flush();
    const p = b.add(7);
    b.flush();
    await p;
    expect(many).toEqual([[7]]);
  });
});
