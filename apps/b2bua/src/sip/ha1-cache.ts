import type { DigestBaseAlgorithm } from '@switchboard/dialog';

/** What the digest check needs of an extension row. */
export interface Ha1Row {
  readonly enabled: boolean;
  readonly sipRealm: string | null;
  readonly ha1Md5: string | null;
  readonly ha1Sha256: string | null;
  /** Algorithms offered to this extension, in order; empty = the global setting. */
  readonly digestAlgorithms: readonly DigestBaseAlgorithm[];
}

export interface Ha1CacheOptions {
  /** How long a row read from PostgreSQL is reused: a password change or a disable takes effect within it. */
  readonly ttlMs: number;
  /** Rows kept at most; the oldest goes first. */
  readonly maxEntries: number;
  /** Monotonic milliseconds (injected so tests need no sleeps). */
  readonly now: () => number;
}

interface Entry {
  readonly row: Ha1Row;
  readonly until: number;
}

/**
 * A short-lived cache of extension digest rows, so that the second (authenticated) INVITE of every
 * call does not cost a PostgreSQL query: profiling bench:cps put Prisma at ~6% of the signalling CPU.
 * Only found rows are kept; an unknown user is always looked up (it cannot fill the cache).
 * Concurrent misses for one user share one query.
 */
export class Ha1Cache {
  private readonly entries = new Map<string, Entry>();
  private readonly pending = new Map<string, Promise<Ha1Row | undefined>>();

  constructor(
    private readonly options: Ha1CacheOptions,
    private readonly load: (username: string) => Promise<Ha1Row | undefined>,
  ) {}

  async get(username: string): Promise<Ha1Row | undefined> {
    const now = this.options.now();
    const hit = this.entries.get(username);
    if (hit && hit.until > now) return hit.row;
    if (hit) this.entries.delete(username);
    const inFlight = this.pending.get(username);
    if (inFlight) return inFlight;
    const loading = this.load(username).then(
      (row) => {
        this.pending.delete(username);
        if (row && this.options.ttlMs > 0) this.store(username, row, this.options.now());
        return row;
      },
      (err: unknown) => {
        this.pending.delete(username);
        throw err;
      },
    );
    this.pending.set(username, loading);
    return loading;
  }

  private store(username: string, row: Ha1Row, now: number): void {
    this.entries.delete(username); // re-insert at the end: Map order is insertion order
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(username, { row, until: now + this.options.ttlMs });
  }
}
