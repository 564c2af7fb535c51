import type { Clock, TimerHandle } from '@switchboard/transactions';

/**
 * One expiry timer per subscription accepted by this process, on the injected clock. A refresh
 * re-arms it; the callback re-reads Redis, since another process may have refreshed meanwhile.
 */
export class SubscriptionTimers {
  private readonly timers = new Map<string, TimerHandle>();
  private stopped = false;

  constructor(
    private readonly clock: Clock,
    private readonly onExpire: (key: string) => void,
  ) {}

  /** (Re)starts the timer of `key` to fire `delayMs` from now. */
  arm(key: string, delayMs: number): void {
    if (this.stopped) return;
    this.timers.get(key)?.cancel();
    const handle = this.clock.schedule(Math.max(0, delayMs), () => {
      if (this.timers.get(key) !== handle) return;
      this.timers.delete(key);
      this.onExpire(key);
    });
    this.timers.set(key, handle);
  }

  cancel(key: string): void {
    this.timers.get(key)?.cancel();
    this.timers.delete(key);
  }

  get size(): number {
    return this.timers.size;
  }

  /** Shutdown: every timer cancelled, later `arm` calls ignored. */
  stop(): void {
    this.stopped = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
  }
}
