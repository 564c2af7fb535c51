import type { Clock, TimerHandle } from '../../src/clock.js';

/** A clock that moves only in `advance`, firing due timers in order (same contract as transactions' FakeClock). */
export class FakeClock implements Clock {
  private current = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fn: () => void; cancelled: boolean }[] = [];

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    const timer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      this.timers = this.timers.filter((t) => !t.cancelled);
      let next: (typeof this.timers)[number] | undefined;
      for (const t of this.timers) {
        if (t.at <= target && (!next || t.at < next.at || (t.at === next.at && t.seq < next.seq))) next = t;
      }
      if (!next) break;
      const fired = next;
      this.timers = this.timers.filter((t) => t !== fired);
      this.current = fired.at;
      fired.fn();
    }
    this.current = target;
  }

  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }
}
