import type { Clock } from '../clock.js';

export interface JitterBufferOptions {
  clock: Clock;
  /** Most packets held at once; beyond it the oldest is released even across a gap (default 8). */
  maxDepth?: number;
  /** How long a packet waits for a missing predecessor before the gap is given up as lost (default 60 ms). */
  maxDelayMs?: number;
}

export type JitterPushResult = 'buffered' | 'late' | 'duplicate';

export interface JitterBufferStats {
  buffered: number;
  released: number;
  late: number;
  duplicate: number;
  /** Sequence numbers given up on (a gap played out without the packet). */
  lost: number;
  /** Releases forced by `maxDepth` rather than by order or age. */
  overflow: number;
}

interface Slot<T> {
  seq: number;
  arrivedAt: number;
  item: T;
}

/**
 * A small reordering buffer keyed by extended sequence number (see SourceStatistics). It releases
 * packets strictly in order: the next expected one at once, a later one after `maxDelayMs` or when
 * the buffer is full. Late packets (older than the last released) and duplicates are dropped.
 * It owns no timer: after `push`/`release` the owner asks `nextDeadline()` and schedules a call
 * to `release()` on its clock then.
 */
export class JitterBuffer<T> {
  private readonly clock: Clock;
  private readonly maxDepth: number;
  private readonly maxDelayMs: number;
  private slots: Slot<T>[] = [];
  private lastReleased: number | undefined;
  private readonly counters: JitterBufferStats = {
    buffered: 0,
    released: 0,
    late: 0,
    duplicate: 0,
    lost: 0,
    overflow: 0,
  };

  constructor(options: JitterBufferOptions) {
    this.clock = options.clock;
    this.maxDepth = Math.max(1, options.maxDepth ?? 8);
    this.maxDelayMs = Math.max(0, options.maxDelayMs ?? 60);
  }

  push(seq: number, item: T): JitterPushResult {
    if (this.lastReleased !== undefined && seq <= this.lastReleased) {
      this.counters.late++;
      return 'late';
    }
    let i = this.slots.length;
    while (i > 0 && (this.slots[i - 1]?.seq ?? -Infinity) > seq) i--;
    if (this.slots[i - 1]?.seq === seq) {
      this.counters.duplicate++;
      return 'duplicate';
    }
    this.slots.splice(i, 0, { seq, arrivedAt: this.clock.now(), item });
    this.counters.buffered++;
    return 'buffered';
  }

  /** Returns, in sequence order, every packet that may be played now. */
  release(): T[] {
    const out: T[] = [];
    const now = this.clock.now();
    for (;;) {
      const head = this.slots[0];
      if (!head) break;
      const inOrder = this.lastReleased === undefined || head.seq === this.lastReleased + 1;
      const overflow = this.slots.length > this.maxDepth;
      const expired = now - head.arrivedAt >= this.maxDelayMs;
      if (!inOrder && !overflow && !expired) break;
      if (!inOrder) {
        if (this.lastReleased !== undefined) this.counters.lost += head.seq - this.lastReleased - 1;
        if (overflow && !expired) this.counters.overflow++;
      }
      this.slots.shift();
      this.lastReleased = head.seq;
      this.counters.released++;
      out.push(head.item);
    }
    return out;
  }

  /** Clock time at which the head packet stops waiting for a gap to fill, if one is waiting. */
  nextDeadline(): number | undefined {
    const head = this.slots[0];
    return head ? head.arrivedAt + this.maxDelayMs : undefined;
  }

  /** Releases everything held, in order, regardless of gaps (end of stream). */
  flush(): T[] {
    const out = this.slots.map((s) => s.item);
    const last = this.slots[this.slots.length - 1];
    if (last) this.lastReleased = last.seq;
    this.counters.released += out.length;
    this.slots = [];
    return out;
  }

  /** Forgets order and content (a new source with its own sequence space). */
  reset(): void {
    this.slots = [];
    this.lastReleased = undefined;
  }

  get depth(): number {
    return this.slots.length;
  }

  get stats(): Readonly<JitterBufferStats> {
    return { ...this.counters };
  }
}
