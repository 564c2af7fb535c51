import type { ProcessMetrics } from '@switchboard/metrics';
import type { Counter, Histogram } from 'prom-client';
import type { CallRecordJob } from '../jobs/call-record-job.js';
import type { LatencyKind } from './call-latency.js';

/** Buckets for the B2BUA's own latencies (ms-scale work; the routing queue adds up to seconds). */
const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5];

/**
 * The call counters of the signalling role (README "Operating Switchboard"): calls started,
 * answered and ended by disposition and final status, active calls, and the setup latencies the
 * call latency recorder measures. Labels are bounded: a disposition, a 3-digit status or `none`.
 */
export class CallMetrics {
  private readonly started: Counter;
  private readonly answered: Counter;
  private readonly ended: Counter<'disposition' | 'status'>;
  private readonly latency: Partial<Record<LatencyKind, Histogram>>;

  constructor(metrics: ProcessMetrics, activeCalls: () => number) {
    this.started = metrics.counter({
      name: 'switchboard_calls_started_total',
      help: 'Calls that passed authentication and reached call control',
    });
    this.answered = metrics.counter({
      name: 'switchboard_calls_answered_total',
      help: 'Calls answered (by a callee or by the PBX itself, e.g. voicemail)',
    });
    this.ended = metrics.counter({
      name: 'switchboard_calls_ended_total',
      help: 'Calls ended, by disposition and the final SIP status sent to the caller (none after an answer)',
      labelNames: ['disposition', 'status'],
    });
    metrics.gauge({
      name: 'switchboard_calls_active',
      help: 'Calls this signalling process holds now (routing, ringing, answered)',
      collect() {
        this.set(activeCalls());
      },
    });
    const histogram = (name: string, help: string) =>
      metrics.histogram({ name, help, buckets: LATENCY_BUCKETS });
    this.latency = {
      inviteInToOut: histogram(
        'switchboard_call_setup_seconds',
        "Call setup inside the PBX: the caller's authenticated INVITE to the first INVITE sent to a callee (routing included)",
      ),
      routing: histogram(
        'switchboard_routing_seconds',
        'Routing: the routing job sent to the queue until its plan (or failure) is back',
      ),
      okInToOut: histogram(
        'switchboard_call_answer_relay_seconds',
        "A callee's 2xx reaching its leg until our 2xx to the caller is sent",
      ),
    };
  }

  callStarted(): void {
    this.started.inc();
  }

  /** From the call's record, when it is published (one per call). */
  callEnded(record: CallRecordJob): void {
    if (record.answeredAt !== undefined) this.answered.inc();
    const status =
      record.answeredAt === undefined ? /^([1-6]\d\d) /.exec(record.hangupCause ?? '')?.[1] : undefined;
    this.ended.inc({ disposition: record.disposition, status: status ?? 'none' });
  }

  /** The latency recorder's samples (ms). */
  sample(kind: LatencyKind, ms: number): void {
    this.latency[kind]?.observe(ms / 1000); // the setup stages are in the SIGUSR2 summary only
  }
}
