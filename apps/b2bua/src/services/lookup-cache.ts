/** Options of a LookupCache. */
export interface LookupCacheOptions {
  /** How long a loaded value is reused: a change in PostgreSQL takes effect within it. */
  readonly ttlMs: number;
  /** Keys kept at most; the oldest goes first. */
  readonly maxEntries: number;
  /** Monotonic milliseconds (injected so tests need no sleeps). */
  readonly now: () => number;
}

interface Entry<V> {
  readonly value: V;
  readonly until: number;
}

/**
 * A short-lived read-through cache for the routing worker's directory lookups (extension, ring
 * group, follow-me), which every call's plugin chain repeats: bench:cps profiles put Prisma at about
 * a quarter of the worker's CPU. Unlike Ha1Cache it keeps "not found" too (most numbers are not a
 * ring group). Concurrent misses for one key share one query; a failed load is not kept.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(
    private readonly options: LookupCacheOptions,
    private readonly load: (key: string) => Promise<V>,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<V> {
    const now = this.options.now();
    const hit = this.entries.get(key);
    if (hit && hit.until > now) return hit.value;
    if (hit) this.entries.delete(key);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const loading = this.load(key).then(
      (value) => {
        this.pending.delete(key);
        if (this.options.ttlMs > 0) this.store(key, value, this.options.now());
        return value;
      },
      (err: unknown) => {
        this.pending.delete(key);
        throw err;
      },
    );
    this.pending.set(key, loading);
    return loading;
  }

  private store(key: string, value: V, now: number): void {
    this.entries.delete(key); // re-insert at the end: Map order is insertion order
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, until: now + this.options.ttlMs });
  }
}
