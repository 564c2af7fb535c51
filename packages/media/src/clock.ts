/**
 * The injected clock media timing runs on (jitter buffer, pacing, media timeout, RTCP interval).
 * Structurally identical to `Clock` in @switchboard/transactions/src/clock.ts, so the team's
 * SystemClock/FakeClock plug in directly; it is restated here so this package does not pull in the SIP stack.
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

/** The real clock: monotonic time and Node timers, unref'd so they never keep a process alive. */
export class SystemClock implements Clock {
  now(): number {
    return performance.now();
  }

  schedule(ms: number, fn: () => void): TimerHandle {
    const t = setTimeout(fn, ms);
    t.unref();
    return { cancel: () => clearTimeout(t) };
  }
}
