/**
 * Replay protection for digest nonce counts (RFC 7616 §3.4: a server should reject a repeated nc).
 * Implementations must be atomic per (nonce, nc): the B2BUA's Redis store uses HSETNX + PEXPIREAT,
 * so several processes sharing a nonce still accept each nc only once.
 */
export interface NonceCountStore {
  /**
   * Records that `nc` was used with `nonce`; resolves true if this is the first use, false for a replay.
   * `expiresAt` (epoch ms) is when the nonce expires, after which the record may be dropped.
   */
  markUsed(nonce: string, nc: number, expiresAt: number): Promise<boolean>;
}

export interface InMemoryNonceCountStoreOptions {
  /** Wall-clock epoch milliseconds (same time line as the NonceIssuer). */
  now?: () => number;
  /** Upper bound of nonces tracked; the oldest-expiring are dropped first when it is reached. */
  maxNonces?: number;
}

/** A single-process NonceCountStore: a set of used counts per nonce, dropped when the nonce expires. */
export class InMemoryNonceCountStore implements NonceCountStore {
  private readonly entries = new Map<string, { expiresAt: number; used: Set<number> }>();
  private readonly now: () => number;
  private readonly maxNonces: number;

  constructor(options: InMemoryNonceCountStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    this.maxNonces = options.maxNonces ?? 100_000;
  }

  markUsed(nonce: string, nc: number, expiresAt: number): Promise<boolean> {
    let entry = this.entries.get(nonce);
    if (!entry) {
      if (this.entries.size >= this.maxNonces) this.prune();
      entry = { expiresAt, used: new Set() };
      this.entries.set(nonce, entry);
    }
    if (entry.used.has(nc)) return Promise.resolve(false);
    entry.used.add(nc);
    return Promise.resolve(true);
  }

  /** Number of nonces tracked (for tests and metrics). */
  get size(): number {
    return this.entries.size;
  }

  /** Drops expired nonces; if still full, drops the ones expiring first. */
  prune(): void {
    const now = this.now();
    for (const [nonce, e] of this.entries) if (e.expiresAt < now) this.entries.delete(nonce);
    if (this.entries.size < this.maxNonces) return;
    const byExpiry = [...this.entries].sort((a, b) => a[1].expiresAt - b[1].expiresAt);
    const drop = this.entries.size - this.maxNonces + 1;
    for (let i = 0; i < drop; i++) {
      const e = byExpiry[i];
      if (e) this.entries.delete(e[0]);
    }
  }
}
