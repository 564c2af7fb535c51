import type { Clock, TimerHandle } from '@switchboard/transactions';

export interface RoutingBatcherOptions<T> {
  readonly clock: Clock;
  /** The largest collect window (ms); 0 sends every item alone at once. */
  readonly maxWindowMs: number;
  /** Items at most in one batch; a full batch is sent at once. */
  readonly maxBatch: number;
  /** Sends a batch (never empty). */
  readonly flush: (items: T[]) => void;
}

/** What `add` returns: `withdraw` takes the item back while its batch is still being collected. */
export interface BatchTicket {
  /** True when the item was still waiting (it will not be sent); false once its batch is sent. */
  withdraw(): boolean;
}

/**
 * Collects routing requests into batches. The window adapts to the arrival rate: an item arriving
 * `maxWindowMs` or more after the previous one (an idle PBX) is sent at once, alone; under load the
 * first item of a batch waits `maxWindowMs − gap` (gap: the time since the item before it), so the
 * window grows from 0 towards `maxWindowMs` as calls come closer together. A batch also goes as
 * soon as it holds `maxBatch` items.
 */
export class RoutingBatcher<T> {
  private pending: T[] = [];
  private timer: TimerHandle | undefined;
  private lastArrival = Number.NEGATIVE_INFINITY;

  constructor(private readonly options: RoutingBatcherOptions<T>) {}

  /** Items collected and not sent yet. */
  get size(): number {
    return this.pending.length;
  }

  add(item: T): BatchTicket {
    const now = this.options.clock.now();
    const gap = now - this.lastArrival;
    this.lastArrival = now;
    this.pending.push(item);
    if (this.pending.length >= this.options.maxBatch) this.send();
    else if (this.pending.length === 1) {
      const window = this.options.maxWindowMs - gap;
      if (window <= 0) this.send();
      else this.timer = this.options.clock.schedule(window, () => this.send());
    }
    return {
      withdraw: () => {
        const i = this.pending.indexOf(item);
        if (i < 0) return false;
        this.pending.splice(i, 1);
        if (this.pending.length === 0) this.cancelTimer();
        return true;
      },
    };
  }

  /** Sends what is collected now (shutdown). */
  drain(): void {
    if (this.pending.length > 0) this.send();
    this.cancelTimer();
  }

  private send(): void {
    this.cancelTimer();
    const items = this.pending;
    this.pending = [];
    if (items.length > 0) this.options.flush(items);
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }
}
