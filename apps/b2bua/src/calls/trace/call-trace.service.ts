import { performance } from 'node:perf_hooks';
import { Inject, Injectable, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { Clock, TimerHandle, Transport } from '@switchboard/transactions';
import { CallTraceRepository, type StoredTrace } from '../../repositories/call-trace.repository.js';
import { WriteBatcher } from '../../jobs/write-batcher.js';
import { CONFIG, LOGGER, SIP_CLOCK } from '../../tokens.js';
import { CallTraceRecorder } from './call-trace-recorder.js';
import { TracingTransport } from './tracing-transport.js';

/**
 * A call's messages keep being captured this long after call control ended it: the caller's ACK
 * for a final non-2xx (RFC 3261 §17.1.1.3) and the answers to the BYEs come after the end.
 */
export const TRACE_LINGER_MS = 2_000;
/** An INVITE heard but not claimed by a call (challenged, rejected) is forgotten after 64*T1. */
const PENDING_MS = 32_000;
const MAX_PENDING = 4_096;
/** Traces waiting for PostgreSQL at most; beyond it a trace is dropped (logged), never the call. */
const MAX_QUEUED = 512;
/** Retention and the size cap are applied at most this often, after a write. */
const PRUNE_EVERY_MS = 60_000;

/**
 * Per-call SIP traces of the signalling role: the transports report every message to the
 * recorder; call control tells it which Call-IDs belong to which call; an ended call's trace is
 * written to PostgreSQL (`call_traces`) in the background. Nothing here can block or fail a call:
 * store errors are logged with the call id. SWITCHBOARD_TRACE_RETENTION_DAYS=0 turns it all off.
 */
@Injectable()
export class CallTraceService implements OnApplicationShutdown {
  private readonly recorder: CallTraceRecorder | undefined;
  private readonly lingering = new Map<string, TimerHandle>();
  private readonly batcher: WriteBatcher<StoredTrace>;
  private queued = 0;
  private lastPrune = Number.NEGATIVE_INFINITY;
  private pruning = false;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(SIP_CLOCK) private readonly clock: Clock,
    @Inject(CallTraceRepository) private readonly repository: CallTraceRepository,
  ) {
    const { retentionDays, maxCallBytes } = config.trace;
    this.recorder =
      retentionDays > 0
        ? new CallTraceRecorder(
            { maxCallBytes, maxPending: MAX_PENDING, pendingMs: PENDING_MS },
            () => performance.timeOrigin + performance.now(),
          )
        : undefined;
    this.batcher = new WriteBatcher<StoredTrace>(
      { maxItems: 32, maxDelayMs: 50 },
      (batch) => this.repository.saveMany(batch),
      (one) => this.repository.saveMany([one]),
    );
  }

  get enabled(): boolean {
    return this.recorder !== undefined;
  }

  /** Buffers held and writes waiting (memory figures, leak tests). */
  get sizes(): { calls: number; sipCallIds: number; pending: number; lingering: number; queued: number } {
    const held = this.recorder?.sizes ?? { calls: 0, sipCallIds: 0, pending: 0 };
    return { ...held, lingering: this.lingering.size, queued: this.queued };
  }

  /** The transport as the SIP stack should use it: traced when capture is on. */
  wrap(transport: Transport): Transport {
    const recorder = this.recorder;
    if (!recorder) return transport;
    const publicAddress = this.config.sip.publicAddress;
    return new TracingTransport(
      transport,
      (packet) => recorder.record(packet),
      (bound) => (bound === '0.0.0.0' || bound === '::' ? publicAddress : bound),
      (err) => this.logger.error({ err }, 'SIP trace capture failed (message still handled)'),
    );
  }

  begin(callId: string, sipCallId: string): void {
    this.recorder?.begin(callId, sipCallId);
  }

  leg(callId: string, sipCallId: string): void {
    this.recorder?.addLeg(callId, sipCallId);
  }

  /** The call ended: capture goes on for TRACE_LINGER_MS, then the trace is stored. */
  ended(callId: string): void {
    if (!this.recorder || this.lingering.has(callId)) return;
    this.lingering.set(
      callId,
      this.clock.schedule(TRACE_LINGER_MS, () => this.store(callId)),
    );
  }

  onApplicationShutdown(): void {
    for (const [callId, timer] of this.lingering) {
      timer.cancel();
      this.store(callId);
    }
    this.batcher.flush();
  }

  private store(callId: string): void {
    this.lingering.delete(callId);
    const trace = this.recorder?.finish(callId);
    if (!trace || trace.entries.length === 0) return;
    if (this.queued >= MAX_QUEUED) {
      this.logger.warn(
        { call: callId, queued: this.queued },
        'SIP trace not stored: too many waiting writes',
      );
      return;
    }
    this.queued += 1;
    this.batcher
      .add({ callId, trace })
      .then(() => this.pruneSometimes())
      .catch((err: unknown) => this.logger.error({ err, call: callId }, 'SIP trace not stored'))
      .finally(() => {
        this.queued -= 1;
      });
  }

  /** Retention and the total cap, at most once a minute and never twice at once. */
  private pruneSometimes(): void {
    const now = this.clock.now();
    if (this.pruning || now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.pruning = true;
    this.lastPrune = now;
    const { retentionDays, maxTotalBytes } = this.config.trace;
    this.repository
      .prune(retentionDays, maxTotalBytes)
      .then((removed) => {
        if (removed > 0) this.logger.info({ removed }, 'SIP traces pruned (retention / size cap)');
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'SIP trace pruning failed'))
      .finally(() => {
        this.pruning = false;
      });
  }
}
