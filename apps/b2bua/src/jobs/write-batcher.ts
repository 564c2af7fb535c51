export interface WriteBatcherOptions {
  /** A batch is written at once when it reaches this size. */
  readonly maxItems: number;
  /** Otherwise this long after its first item (ms). */
  readonly maxDelayMs: number;
}

interface Pending<T> {
  readonly item: T;
  readonly resolve: () => void;
  readonly reject: (err: unknown) => void;
}

/**
 * Groups writes into one: the call records of concurrent queue jobs into one database statement
 * (bench:cps: one Prisma upsert per call record was the routing worker's largest cost), the call
 * records the signalling role publishes into one queue job. Each `add` settles when its item is
 * stored. When a batch write fails, every item is retried alone, so one bad item fails only its
 * own job (which the queue retries) and never its batch-mates.
 */
export class WriteBatcher<T> {
  private batch: Pending<T>[] = [];
  private timer: NodeJS.Timeout | undefined;
  /** Batches being written (drain waits for them). */
  private readonly writing = new Set<Promise<unknown>>();

  constructor(
    private readonly options: WriteBatcherOptions,
    private readonly writeMany: (items: readonly T[]) => Promise<void>,
    private readonly writeOne: (item: T) => Promise<void>,
  ) {}

  add(item: T): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.batch.push({ item, resolve, reject });
      if (this.batch.length >= this.options.maxItems) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.maxDelayMs);
    });
  }

  /** Writes what is waiting now (also on shutdown). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    const batch = this.batch;
    this.batch = [];
    if (batch.length === 0) return;
    const written = this.writeMany(batch.map((p) => p.item)).then(
      () => {
        for (const p of batch) p.resolve();
      },
      () =>
        Promise.all(
          batch.map((p) =>
            this.writeOne(p.item).then(p.resolve, (err: unknown) => {
              p.reject(err);
            }),
          ),
        ),
    );
    this.writing.add(written);
    // `written` never rejects (a failed item rejects its own caller's promise), so nothing is lost here.
    void written.finally(() => this.writing.delete(written));
  }

  /** Writes what is waiting and resolves once every batch under way has settled (shutdown). */
  async drain(): Promise<void> {
    this.flush();
    await Promise.all([...this.writing]);
  }
}
