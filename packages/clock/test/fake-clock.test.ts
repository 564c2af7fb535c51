import { describe, expect, it } from 'vitest';
import { FakeClock, SystemClock } from '../src/index.js';

describe('FakeClock', () => {
  it('fires due timers in time order, then insertion order, only inside advance', () => {
    const clock = new FakeClock();
    const fired: string[] = [];
    clock.schedule(20, () => fired.push('b@20'));
    clock.schedule(10, () => fired.push('a@10'));
    clock.schedule(20, () => fired.push('c@20'));
    expect(fired).toEqual([]);
    clock.advance(15);
    expect(fired).toEqual(['a@10']);
    expect(clock.now()).toBe(15);
    clock.advance(5);
    expect(fired).toEqual(['a@10', 'b@20', 'c@20']);
  });

  it('fires timers scheduled by timers within the same advance, at their own time', () => {
    const clock = new FakeClock();
    const at: number[] = [];
    clock.schedule(100, () => {
      at.push(clock.now());
      clock.schedule(50, () => at.push(clock.now()));
    });
    clock.advance(1000);
    expect(at).toEqual([100, 150]);
    expect(clock.now()).toBe(1000);
  });

  it('cancelled timers never fire and are not pending', () => {
    const clock = new FakeClock();
    let fired = false;
    const t = clock.schedule(10, () => {
      fired = true;
    });
    expect(clock.pending()).toBe(1);
    t.cancel();
    expect(clock.pending()).toBe(0);
    clock.advance(100);
    expect(fired).toBe(false);
  });

  it('treats negative delays as zero', () => {
    const clock = new FakeClock();
    let fired = false;
    clock.schedule(-5, () => {
      fired = true;
    });
    clock.advance(0);
    expect(fired).toBe(true);
  });
});

describe('SystemClock', () => {
  it('is monotonic', () => {
    const clock = new SystemClock();
    const a = clock.now();
    expect(clock.now()).toBeGreaterThanOrEqual(a);
  });
});
