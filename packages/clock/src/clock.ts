/**
 * The injected clock every timer-driven state machine runs on (transactions, dialogs, media, calls).
 * Protocol code never calls setTimeout itself: it asks a Clock, so tests drive time with FakeClock.
 */
export interface TimerHandle {
  cancel(): void;
}

export interface Clock {
  /** Milliseconds on a monotonic time line. */
  now(): number;
  /** Calls `fn` once after `ms` milliseconds unless cancelled first. */
  schedule(ms: number, fn: () => void): TimerHandle;
}

/** The real clock: monotonic time and Node timers (unref'd so they never keep a process alive). */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref();
    return new SystemTimer(t);
  }
}

/** A Node timer as a TimerHandle: one small object per timer, no closure (every transaction arms several). */
class SystemTimer implements TimerHandle {
  constructor(private readonly timeout: NodeJS.Timeout) {}

  cancel(): void {
    clearTimeout(this.timeout);
  }
}

interface PendingTimer {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that only moves when told to: timers fire in due order inside `advance`. */
export class FakeClock implements Clock {
  private current = 0;
  private seq = 0;
  private timers: PendingTimer[] = [];

  now(): number {
    return this.current;
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    const timer: PendingTimer = { at: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false };
    this.timers.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  /** Moves time forward by `ms`, firing every timer that falls due (timers scheduled meanwhile included). */
  advance(ms: number): void {
    const target = this.current + ms;
    for (;;) {
      const next = this.nextDue(target);
      if (!next) break;
      this.timers = this.timers.filter((t) => t !== next);
      this.current = next.at;
      next.fn();
    }
    this.current = target;
  }

  /** Number of timers still waiting to fire. */
  pending(): number {
    return this.timers.filter((t) => !t.cancelled).length;
  }

  private nextDue(limit: number): PendingTimer | undefined {
    let best: PendingTimer | undefined;
    for (const t of this.timers) {
      if (t.cancelled || t.at > limit) continue;
      if (!best || t.at < best.at || (t.at === best.at && t.seq < best.seq)) best = t;
    }
    if (best === undefined) this.timers = this.timers.filter((t) => !t.cancelled);
    return best;
  }
}
