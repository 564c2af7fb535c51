/** Options of a LookupCache. */
export interface LookupCacheOptions<V> {
  /** How long a loaded value is reused: a change in PostgreSQL takes effect within it. */
  readonly ttlMs: number;
  /**
   * How long after its TTL a value is still served when loading it again FAILS (a PostgreSQL
   * outage): known extensions keep authenticating and routing. 0 = a failed load fails the call.
   */
  readonly staleMs: number;
  /** Keys kept at most; the oldest goes first. */
  readonly maxEntries: number;
  /** Monotonic milliseconds (injected so tests need no sleeps). */
  readonly now: () => number;
  /** Which loaded values may be kept (default: all, "not found" included). */
  readonly keep?: (value: V) => boolean;
  /** Told when a stale value stands in for a failed load (to log it); the error is the load's. */
  readonly onStale?: (key: string, err: unknown, ageMs: number) => void;
}

interface Entry<V> {
  readonly value: V;
  readonly loadedAt: number;
}

/**
 * A bounded read-through cache for directory lookups that every call repeats (the routing
 * worker's extension / ring group / follow-me reads, the signalling role's digest rows):
 * bench:cps profiles put Prisma at about a quarter of the worker's CPU. Within `ttlMs` a value is
 * reused; after it the value is loaded again, and only if that load fails is the old value served,
 * up to `staleMs` after its TTL (stale-on-error, like HTTP's stale-if-error, RFC 5861 §4).
 * Concurrent misses for one key share one load; a failed load is never kept.
 */
export class LookupCache<V> {
  private readonly entries = new Map<string, Entry<V>>();
  private readonly pending = new Map<string, Promise<V>>();

  constructor(
    private readonly options: LookupCacheOptions<V>,
    private readonly load: (key: string) => Promise<V>,
  ) {}

  get size(): number {
    return this.entries.size;
  }

  async get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.options.now() - hit.loadedAt < this.options.ttlMs) return hit.value;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const loading = this.load(key).then(
      (value) => {
        this.pending.delete(key);
        this.store(key, value);
        return value;
      },
      (err: unknown) => {
        this.pending.delete(key);
        return this.staleOr(key, err);
      },
    );
    this.pending.set(key, loading);
    return loading;
  }

  private staleOr(key: string, err: unknown): V {
    const entry = this.entries.get(key);
    const age = entry ? this.options.now() - entry.loadedAt : Infinity;
    if (!entry || age >= this.options.ttlMs + this.options.staleMs) {
      if (entry) this.entries.delete(key);
      throw err;
    }
    this.options.onStale?.(key, err, age);
    return entry.value;
  }

  private store(key: string, value: V): void {
    this.entries.delete(key); // re-insert at the end: Map order is insertion order
    const { ttlMs, staleMs, maxEntries, keep } = this.options;
    if (ttlMs + staleMs <= 0 || (keep && !keep(value))) return;
    while (this.entries.size >= maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, loadedAt: this.options.now() });
  }
}
