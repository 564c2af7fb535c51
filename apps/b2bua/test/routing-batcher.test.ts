import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { RoutingBatcher } from '../src/routing/routing-batcher.js';

function batcher(maxWindowMs = 5, maxBatch = 4) {
  const clock = new FakeClock();
  const sent: string[][] = [];
  const b = new RoutingBatcher<string>({ clock, maxWindowMs, maxBatch, flush: (items) => sent.push(items) });
  return { b, clock, sent };
}

describe('RoutingBatcher', () => {
  it('sends at once when idle: calls 5 ms or more apart never wait', () => {
    const { b, clock, sent } = batcher();
    b.add('a');
    clock.advance(5);
    b.add('b');
    clock.advance(50);
    b.add('c');
    expect(sent).toEqual([['a'], ['b'], ['c']]);
    expect(b.size).toBe(0);
  });

  it('under load the window grows as calls come closer: 5 ms minus the gap to the previous call', () => {
    const { b, clock, sent } = batcher(5, 100);
    b.add('idle'); // alone
    clock.advance(2);
    b.add('a'); // 2 ms after the previous call: a 3 ms window
    clock.advance(1);
    b.add('b');
    clock.advance(1);
    expect(sent).toEqual([['idle']]);
    clock.advance(1);
    expect(sent).toEqual([['idle'], ['a', 'b']]);
    // Back to back (gap 0 ms): the full 5 ms window.
    clock.advance(10);
    b.add('x'); // idle again: alone
    b.add('c');
    b.add('d');
    clock.advance(4.9);
    expect(sent).toHaveLength(3);
    clock.advance(0.1);
    expect(sent.slice(2)).toEqual([['x'], ['c', 'd']]);
  });

  it('a full batch goes without waiting for its window', () => {
    const { b, sent } = batcher(5, 3);
    for (const item of ['idle', 'a', 'b', 'c', 'd']) b.add(item);
    expect(sent).toEqual([['idle'], ['a', 'b', 'c']]);
    expect(b.size).toBe(1);
  });

  it('an item withdrawn in its window (a CANCEL) is not sent; once sent it cannot be withdrawn', () => {
    const { b, clock, sent } = batcher();
    const idle = b.add('idle');
    const a = b.add('a');
    const c = b.add('c');
    expect(a.withdraw()).toBe(true);
    expect(a.withdraw()).toBe(false);
    expect(idle.withdraw()).toBe(false);
    clock.advance(5);
    expect(sent).toEqual([['idle'], ['c']]);
    expect(c.withdraw()).toBe(false);
    // The only item of a window withdrawn: nothing is sent at all.
    b.add('w'); // 5 ms after the previous call: alone, at once
    const d = b.add('d');
    expect(d.withdraw()).toBe(true);
    clock.advance(10);
    expect(sent.slice(2)).toEqual([['w']]);
    expect(b.size).toBe(0);
  });

  it('window 0 sends every item alone; drain sends what is collected', () => {
    const zero = batcher(0);
    zero.b.add('a');
    zero.b.add('b');
    expect(zero.sent).toEqual([['a'], ['b']]);
    const { b, sent } = batcher();
    b.add('idle');
    b.add('a');
    b.drain();
    expect(sent).toEqual([['idle'], ['a']]);
  });
});
