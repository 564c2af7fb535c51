import { describe, expect, it } from 'vitest';
import type { ParkedEntry } from '../src/calls/park/park-lot.js';
import { ParkLot } from '../src/calls/park/park-lot.js';

function entry(label: string): ParkedEntry {
  return { label, side: undefined as never, retrieved: () => undefined, returned: () => undefined };
}

describe('ParkLot', () => {
  it('parks in the first free slot, refuses when full, and knows its slots', () => {
    const lot = new ParkLot('700', 701, 703);
    const [a, b, c, d] = [entry('a'), entry('b'), entry('c'), entry('d')];
    expect([lot.park(a), lot.park(b), lot.park(c), lot.park(d)]).toEqual([701, 702, 703, undefined]);
    expect(lot.take(702)).toBe(b);
    expect(lot.take(702)).toBeUndefined();
    expect(lot.park(d)).toBe(702);
    expect(lot.occupied).toEqual([701, 702, 703]);
    expect([
      lot.slotOf('701'),
      lot.slotOf('703'),
      lot.slotOf('700'),
      lot.slotOf('704'),
      lot.slotOf('7o1'),
    ]).toEqual([701, 703, undefined, undefined, undefined]);
  });

  it('puts a call back only into a free slot and releases a slot only for its own call', () => {
    const lot = new ParkLot('700', 701, 702);
    const [a, b] = [entry('a'), entry('b')];
    lot.park(a);
    expect(lot.take(701)).toBe(a);
    lot.park(b); // took 701 meanwhile
    expect(lot.put(701, a)).toBe(false);
    lot.release(701, a);
    expect(lot.occupied).toEqual([701]);
    lot.release(701, b);
    expect(lot.occupied).toEqual([]);
    expect(lot.put(701, a)).toBe(true);
  });
});
