import { performance } from 'node:perf_hooks';

/** The B2BUA's own share of call setup, measured inside the signalling process. */
export type LatencyKind =
  /** Authenticated INVITE handed to call control → the first outgoing INVITE sent (routing included). */
  | 'inviteInToOut'
  /** The routing job's round trip: enqueue → plan (or failure) back. */
  | 'routing'
  /** A callee's 2xx handed to its leg → our 2xx to the caller sent. */
  | 'okInToOut'
  // Stages of call setup (SIGUSR2 summary only): where `inviteInToOut` goes.
  /** INVITE handed to call control → its call session starts (digest check, HA1 lookup, trunk slot). */
  | 'auth'
  /** INVITE handed to call control → the routing job asked for (auth, caller's media policy). */
  | 'toRouting'
  /** Routing asked → its job handed to the queue (the batching window). */
  | 'routingBatch'
  /** Job handed to the queue → Redis acknowledged the add. */
  | 'routingEnqueue'
  /** Job handed to the queue → a worker took it (wall clocks of two processes on one host). */
  | 'routingPickup'
  /** A worker took the job → the call's plan decided (the plugin chain). */
  | 'routingPlan'
  /** Plan decided in the worker → its reply read by this process (pub/sub). */
  | 'routingReply'
  /** Routing answer back in the call → the first callee INVITE sent (the callee's contacts, the leg start). */
  | 'afterRouting';

export interface LatencySummary {
  readonly count: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
}

/** The setup stages: where `inviteInToOut` goes (bench:cps prints them in this order). */
export const SETUP_STAGES = [
  'auth',
  'toRouting',
  'routingBatch',
  'routingEnqueue',
  'routingPickup',
  'routingPlan',
  'routingReply',
  'afterRouting',
] as const satisfies readonly LatencyKind[];

const KINDS: readonly LatencyKind[] = ['inviteInToOut', 'routing', 'okInToOut', ...SETUP_STAGES];

/** At most this many samples per kind between two summaries (the rest are only counted). */
const MAX_SAMPLES = 200_000;

/**
 * Latency samples (ms on the call clock) per kind, summarised and reset on demand: the signalling
 * role logs a summary on SIGUSR2 (`call latency`), which bench:cps reads after each rate. Times
 * start when the request reaches call control, so socket queueing before that is not included.
 */
export class CallLatencyRecorder {
  /** `observe`: also told every sample (Prometheus histograms). */
  constructor(private readonly observe?: (kind: LatencyKind, ms: number) => void) {}

  private samples = new Map<LatencyKind, number[]>(KINDS.map((k) => [k, []]));
  private counts = new Map<LatencyKind, number>(KINDS.map((k) => [k, 0]));

  record(kind: LatencyKind, ms: number): void {
    this.observe?.(kind, ms);
    this.counts.set(kind, (this.counts.get(kind) ?? 0) + 1);
    const list = this.samples.get(kind);
    if (list && list.length < MAX_SAMPLES) list.push(ms);
  }

  /** Percentiles since the last summary, then starts afresh. */
  takeSummary(): Record<LatencyKind, LatencySummary> {
    const out = {} as Record<LatencyKind, LatencySummary>;
    for (const kind of KINDS) {
      const sorted = (this.samples.get(kind) ?? []).sort((a, b) => a - b);
      const at = (p: number): number =>
        sorted.length === 0 ? NaN : round(sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]);
      out[kind] = { count: this.counts.get(kind) ?? 0, p50: at(0.5), p95: at(0.95), p99: at(0.99) };
    }
    this.samples = new Map(KINDS.map((k) => [k, []]));
    this.counts = new Map(KINDS.map((k) => [k, 0]));
    return out;
  }
}

/**
 * Wall-clock ms with sub-ms precision, comparable between processes on one host (the routing
 * stages a worker stamps). For figures only: protocol timers use the injected clock.
 */
export function preciseWallMs(): number {
  return performance.timeOrigin + performance.now();
}

function round(ms: number | undefined): number {
  return ms === undefined ? NaN : Math.round(ms * 100) / 100;
}
