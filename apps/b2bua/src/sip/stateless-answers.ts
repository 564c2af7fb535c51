import type { SipRequest, SipResponse } from '@switchboard/sip';
import type { Clock, TimerHandle } from '@switchboard/transactions';

export interface StatelessAnswersOptions {
  /** Answers kept at most; the oldest goes first (a flood of new requests only churns this). */
  readonly maxEntries: number;
  /** How long a request's retransmissions get its first answer again (64*T1, RFC 3261 §17.2.2). */
  readonly ttlMs: number;
  /** Expired answers are dropped on this clock, so that the map empties once requests stop. */
  readonly clock: Clock;
}

interface Entry {
  readonly at: number;
  /** Undefined while the answer is being made (the digest row being read). */
  response: SipResponse | undefined;
}

/**
 * The answers given to requests without a transaction (stateless challenges, RFC 3261 §8.2.7),
 * so that a retransmission gets the same bytes again — a second challenge with a new nonce is
 * a different response, which strict UAs (sipp scenarios) take as unexpected — and one that
 * arrives while its answer is still being made gets none, as a transaction in Trying would do
 * (§17.2.2). No timers and no transaction: a bounded map keyed by the request's transaction
 * identity (§17.2.3: branch, sent-by, method) plus Call-ID and CSeq.
 */
export class StatelessAnswers {
  /** Insertion order is age order: an answer is never re-inserted while it lives. */
  private readonly entries = new Map<string, Entry>();
  /** Armed while answers are kept (none when idle). */
  private sweep: TimerHandle | undefined;

  constructor(private readonly options: StatelessAnswersOptions) {}

  /** Cancels the expiry sweep (at shutdown). */
  stop(): void {
    this.sweep?.cancel();
    this.sweep = undefined;
  }

  get size(): number {
    return this.entries.size;
  }

  /**
   * For a request seen before: its answer to send again, or 'pending' while it is being made;
   * undefined for a new request, which is then recorded as pending.
   */
  seen(request: SipRequest): SipResponse | 'pending' | undefined {
    const key = keyOf(request);
    const now = this.options.clock.now();
    const entry = this.entries.get(key);
    if (entry && now - entry.at < this.options.ttlMs) return entry.response ?? 'pending';
    this.entries.delete(key);
    this.dropExpired(now);
    while (this.entries.size >= this.options.maxEntries) {
      const oldest = this.entries.keys().next();
      if (oldest.done) break;
      this.entries.delete(oldest.value);
    }
    this.entries.set(key, { at: now, response: undefined });
    this.sweep ??= this.options.clock.schedule(this.options.ttlMs, () => this.onSweep());
    return undefined;
  }

  /** The answer to `request` (recorded as pending by `seen`). */
  answered(request: SipRequest, response: SipResponse): void {
    const entry = this.entries.get(keyOf(request));
    if (entry) entry.response = response;
  }

  private onSweep(): void {
    this.sweep = undefined;
    this.dropExpired(this.options.clock.now());
    const oldest = this.entries.values().next();
    if (!oldest.done)
      this.sweep = this.options.clock.schedule(
        Math.max(1, oldest.value.at + this.options.ttlMs - this.options.clock.now()),
        () => this.onSweep(),
      );
  }

  private dropExpired(now: number): void {
    for (const [key, entry] of this.entries) {
      if (now - entry.at < this.options.ttlMs) return;
      this.entries.delete(key);
    }
  }
}

function keyOf(request: SipRequest): string {
  const via = request.topVia;
  return `${via.branch ?? ''} ${via.host}:${via.port ?? ''} ${request.method} ${request.callId} ${request.cseq.seq}`;
}
