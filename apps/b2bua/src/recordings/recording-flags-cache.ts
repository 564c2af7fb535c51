import type { RecordingFlags } from './recording-policy.js';

/**
 * The numbers that record, read at most once per `ttlMs` (not once per call: the routing path stays
 * one plugin chain per call). A failed read keeps the last snapshot (reported through `onStale`);
 * with none yet, it rejects and the call goes on unrecorded (the caller of `get` logs it).
 */
export class RecordingFlagsCache {
  private snapshot: { flags: RecordingFlags; at: number } | undefined;
  private loading: Promise<RecordingFlags> | undefined;

  constructor(
    private readonly load: () => Promise<RecordingFlags>,
    private readonly ttlMs: number,
    private readonly now: () => number,
    private readonly onStale: (err: unknown) => void,
  ) {}

  get(): Promise<RecordingFlags> {
    const snapshot = this.snapshot;
    if (snapshot && this.now() - snapshot.at < this.ttlMs) return Promise.resolve(snapshot.flags);
    this.loading ??= this.load()
      .then((flags) => {
        this.snapshot = { flags, at: this.now() };
        return flags;
      })
      .catch((err: unknown) => {
        if (!this.snapshot) throw err;
        this.onStale(err);
        return this.snapshot.flags;
      })
      .finally(() => {
        this.loading = undefined;
      });
    return this.loading;
  }
}
