/**
 * At most one log line per key per interval: an attacker hammering a lock-out must not fill the
 * disk. The lines held back are counted and reported with the next line of that key. Bounded:
 * beyond `maxKeys` the oldest key is forgotten (its next line is then let through early).
 */
export class LogThrottle {
  private readonly next = new Map<string, { allowedAt: number; suppressed: number }>();

  constructor(private readonly options: { intervalMs: number; maxKeys: number; now: () => number }) {}

  /** undefined: stay quiet; a number: log now, with this many lines held back since the last one. */
  admit(key: string): number | undefined {
    const now = this.options.now();
    const entry = this.next.get(key);
    if (entry && now < entry.allowedAt) {
      entry.suppressed += 1;
      return undefined;
    }
    const suppressed = entry?.suppressed ?? 0;
    this.next.delete(key); // re-insert at the end: the Map's order is the eviction order
    this.next.set(key, { allowedAt: now + this.options.intervalMs, suppressed: 0 });
    if (this.next.size > this.options.maxKeys) {
      const oldest = this.next.keys().next();
      if (!oldest.done) this.next.delete(oldest.value);
    }
    return suppressed;
  }

  get size(): number {
    return this.next.size;
  }
}
