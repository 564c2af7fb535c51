import type { Clock, TimerHandle } from '@switchboard/transactions';

/**
 * DTMF keys as the caller types them, type-ahead included, read with timeouts on the injected
 * clock. `close()` (hang-up) makes every pending and later read resolve undefined.
 */
export class DigitBuffer {
  private readonly queue: string[] = [];
  private waiter: { resolve: (d: string | undefined) => void; timer: TimerHandle } | undefined;
  private closed = false;

  constructor(private readonly clock: Clock) {}

  /** A key was pressed. */
  push(digit: string): void {
    if (this.closed) return;
    const w = this.waiter;
    if (w) {
      this.waiter = undefined;
      w.timer.cancel();
      w.resolve(digit);
    } else {
      this.queue.push(digit);
    }
  }

  /** Keys typed ahead and not read yet. */
  get pending(): boolean {
    return this.queue.length > 0;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The next typed-ahead key without waiting, if any. */
  take(): string | undefined {
    return this.queue.shift();
  }

  /** Forgets type-ahead (e.g. before asking again after a wrong PIN). */
  clear(): void {
    this.queue.length = 0;
  }

  /** The next key, or undefined after `timeoutMs` without one (or when closed). */
  next(timeoutMs: number): Promise<string | undefined> {
    const queued = this.queue.shift();
    if (queued !== undefined) return Promise.resolve(queued);
    if (this.closed) return Promise.resolve(undefined);
    this.waiter?.resolve(undefined);
    return new Promise((resolve) => {
      const timer = this.clock.schedule(timeoutMs, () => {
        this.waiter = undefined;
        resolve(undefined);
      });
      this.waiter = { resolve, timer };
    });
  }

  /**
   * Keys up to `#` (not included) or `max` keys; a pause of `timeoutMs` between keys ends the
   * entry with what was typed. Undefined when nothing was typed at all.
   */
  async collect(max: number, timeoutMs: number): Promise<string | undefined> {
    let typed = '';
    for (;;) {
      const d = await this.next(timeoutMs);
      if (d === undefined) return typed || undefined;
      if (d === '#') return typed;
      typed += d;
      if (typed.length >= max) return typed;
    }
  }

  close(): void {
    this.closed = true;
    this.queue.length = 0;
    const w = this.waiter;
    this.waiter = undefined;
    w?.timer.cancel();
    w?.resolve(undefined);
  }
}
