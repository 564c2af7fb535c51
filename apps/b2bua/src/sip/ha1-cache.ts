import type { DigestBaseAlgorithm } from '@switchboard/dialog';
import type { LRUCache } from 'lru-cache';
import { boundedLru, LookupCache, type LookupCacheOptions } from '../routing/lookup-cache.js';

/** What the digest check needs of an extension row. */
export interface Ha1Row {
  readonly enabled: boolean;
  /** The extension's name from its record: the caller identity of its calls. */
  readonly displayName: string;
  readonly sipRealm: string | null;
  readonly ha1Md5: string | null;
  readonly ha1Sha256: string | null;
  /** Algorithms offered to this extension, in order; empty = the global setting. */
  readonly digestAlgorithms: readonly DigestBaseAlgorithm[];
}

/** LookupCache options; staleMs defaults to 0 (no outage cache). */
export type Ha1CacheOptions = Omit<LookupCacheOptions<Ha1Row | undefined>, 'keep' | 'staleMs'> & {
  readonly staleMs?: number;
};

/**
 * Extension digest rows, so that the second (authenticated) INVITE of every call does not cost a
 * PostgreSQL query: profiling bench:cps put Prisma at ~6% of the signalling CPU. Only found rows
 * are kept: an unknown user is always looked up (it cannot fill the cache). With `staleMs` a known
 * extension keeps authenticating through a PostgreSQL outage (LookupCache's stale-on-error).
 */
export class Ha1Cache extends LookupCache<Ha1Row | undefined> {
  /**
   * Users found unknown, with when (bounded like the rows, kept apart so unknown users never push
   * known extensions out): only `known` reads it, for stateless challenges.
   */
  private readonly absent: LRUCache<string, { readonly checkedAt: number }>;

  constructor(options: Ha1CacheOptions, load: (username: string) => Promise<Ha1Row | undefined>) {
    super({ staleMs: 0, ...options, keep: (row) => row !== undefined }, load);
    this.absent = boundedLru(options.maxEntries, options.ttlMs, options.now);
  }

  override async get(username: string): Promise<Ha1Row | undefined> {
    const row = await super.get(username);
    this.absent.delete(username);
    if (row === undefined && this.options.ttlMs > 0 && this.options.maxEntries > 0) {
      this.absent.set(username, { checkedAt: this.options.now() });
    }
    return row;
  }

  /**
   * What is known of `username` without reading the database: its row, or that there is none, as
   * read within `ttlMs`; undefined when it must be read.
   */
  known(username: string): { row: Ha1Row | undefined } | undefined {
    const hit = this.peek(username);
    if (hit) return { row: hit.value };
    // The LRU drops an entry ttlMs after it was set; the explicit check keeps `known` exact.
    const absent = this.absent.get(username);
    if (absent === undefined) return undefined;
    if (this.options.now() - absent.checkedAt < this.options.ttlMs) return { row: undefined };
    this.absent.delete(username);
    return undefined;
  }

  /** Unknown users remembered (memory figures). */
  get absentSize(): number {
    return this.absent.size;
  }
}
