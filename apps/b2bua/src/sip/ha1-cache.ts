import type { DigestBaseAlgorithm } from '@switchboard/dialog';
import { LookupCache, type LookupCacheOptions } from '../services/lookup-cache.js';

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
  constructor(options: Ha1CacheOptions, load: (username: string) => Promise<Ha1Row | undefined>) {
    super({ staleMs: 0, ...options, keep: (row) => row !== undefined }, load);
  }
}
