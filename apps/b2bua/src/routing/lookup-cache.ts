import { LRUCache } from 'lru-cache';

/** Options of a LookupCache. */
export interface LookupCacheOptions<V> {
  /** How long a loaded value is reused: a change in PostgreSQL takes effect within it. */
  readonly ttlMs: number;
  /**
   * How long after its TTL a value is still served when loading it again FAILS (a PostgreSQL
   * outage): known extensions keep authenticating and routing. 0 = a failed load fails the call.
   */
  readonly staleMs: number;
  /**
   * With a stale value at hand, how long a reload may take before the stale value is served anyway
   * (the load goes on and refreshes the cache when it ends): a database that hangs instead of
   * refusing must not hold calls either. 0 = wait for the load.
   */
  readonly slowLoadMs?: number;
  /** Keys kept at most; the least recently used goes first. */
  readonly maxEntries: number;
  /** Monotonic milliseconds (injected so tests need no sleeps). */
  readonly now: () => number;
  /** Which loaded values may be kept (default: all, "not found" included). */
  readonly keep?: (value: V) => boolean;
  /** Told when a stale value stands in for a failed or slow load (to log it); the error is the load's. */
  readonly onStale?: (key: string, err: unknown, ageMs: number) => void;
  /** Timer for slowLoadMs (injectable so tests need no real time). */
  readonly schedule?: (ms: number, fn: () => void) => { cancel(): void };
}

const defaultSchedule = (ms: number, fn: () => void): { cancel(): void } => {
  const t = setTimeout(fn, ms);
  return { cancel: () => clearTimeout(t) };
};

/** The error passed to onStale when a load was only slow. */
export class SlowLoadError extends Error {
  constructor(ms: number) {
    super(`load still running after ${ms} ms`);
    this.name = 'SlowLoadError';
  }
}

interface Entry<V> {
  readonly value: V;
  readonly loadedAt: number;
}

/**
 * The bounded store of LookupCache and Ha1Cache: `lru-cache` with the injected clock. An entry is
 * dropped `lifetimeMs` after it was set (on access; no timers); `ttlResolution: 0` because its
 * default caches the clock for 1 ms of real time, which an injected test clock never passes.
 */
export function boundedLru<T extends object>(
  maxEntries: number,
  lifetimeMs: number,
  now: () => number,
): LRUCache<string, T> {
  return new LRUCache<string, T>({
    max: Math.max(1, Math.floor(maxEntries)),
    ttl: Math.max(1, Math.ceil(lifetimeMs)),
    ttlResolution: 0,
    perf: { now },
  });
}

/**
 * A bounded read-through cache for directory lookups that every call repeats (the routing
 * worker's extension / ring group / follow-me reads, the signalling role's digest rows):
 * bench:cps profiles put Prisma at about a quarter of the worker's CPU. Within `ttlMs` a value is
 * reused; after it the value is loaded again, and only if that load fails is the old value served,
 * up to `staleMs` after its TTL (stale-on-error, like HTTP's stale-if-error, RFC 5861 §4).
 * Concurrent misses for one key share one load; a failed load is never kept. Bounded by
 * `maxEntries` (least recently used out first) and by age: an entry past `ttlMs + staleMs` is gone.
 */
export class LookupCache<V> {
  private readonly entries: LRUCache<string, Entry<V>>;
  /** Loads under way, with when they started (a load already past slowLoadMs is not waited for again). */
  private readonly pending = new Map<string, { readonly loading: Promise<V>; readonly startedAt: number }>();

  constructor(
    protected readonly options: LookupCacheOptions<V>,
    private readonly load: (key: string) => Promise<V>,
  ) {
    this.entries = boundedLru(options.maxEntries, options.ttlMs + options.staleMs, options.now);
  }

  get size(): number {
    return this.entries.size;
  }

  /** The value if one was loaded within `ttlMs`, without any load. */
  peek(key: string): { value: V } | undefined {
    const hit = this.entries.get(key);
    return hit && this.options.now() - hit.loadedAt < this.options.ttlMs ? { value: hit.value } : undefined;
  }

  async get(key: string): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && this.options.now() - hit.loadedAt < this.options.ttlMs) return hit.value;
    const running = this.pending.get(key);
    const loading = running?.loading ?? this.startLoad(key);
    const slowMs = this.options.slowLoadMs ?? 0;
    const usable = hit && this.options.now() - hit.loadedAt < this.options.ttlMs + this.options.staleMs;
    if (!usable || slowMs <= 0) return loading;
    // A stale value is at hand: do not let a hanging database hold the caller longer than slowMs
    // after the shared load began (at 20 calls/s, 500 ms more for every caller joining it late
    // would pile up the calls behind a hanging database).
    const leftMs = slowMs - (this.options.now() - (running?.startedAt ?? this.options.now()));
    if (leftMs <= 0) return Promise.resolve(this.staleOr(key, new SlowLoadError(slowMs)));
    return new Promise<V>((resolve, reject) => {
      const timer = (this.options.schedule ?? defaultSchedule)(leftMs, () => {
        try {
          resolve(this.staleOr(key, new SlowLoadError(slowMs)));
        } catch (err) {
          reject(err instanceof Error ? err : new Error(String(err)));
        }
      });
      loading.then(
        (value) => {
          timer.cancel();
          resolve(value);
        },
        (err: unknown) => {
          timer.cancel();
          reject(err instanceof Error ? err : new Error(String(err)));
        },
      );
    });
  }

  private startLoad(key: string): Promise<V> {
    const startedAt = this.options.now();
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
    this.pending.set(key, { loading, startedAt });
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
    const { ttlMs, staleMs, maxEntries, keep } = this.options;
    if (ttlMs + staleMs <= 0 || maxEntries <= 0 || (keep && !keep(value))) {
      this.entries.delete(key);
      return;
    }
    this.entries.set(key, { value, loadedAt: this.options.now() });
  }
}
