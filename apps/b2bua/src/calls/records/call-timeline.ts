import type { CallRecordJob } from '../../jobs/call-record-job.js';
import type { LegRecord } from '../plan/branch-types.js';
import { buildCallRecord, type CallFacts } from './call-record-builder.js';

/** What the record needs beyond the timeline: who called whom and how it ended. */
export type CallOutcome = Omit<
  CallFacts,
  'startedAt' | 'ringingAt' | 'answeredAt' | 'answeredBy' | 'endedAt' | 'legs'
>;

/**
 * The times of one call (on the call's monotonic clock, mapped to Unix ms once, from the wall time
 * at the start) and the legs every plan executor tried; the call record is built from it.
 */
export class CallTimeline {
  readonly startedAt: number;
  private ringingAt: number | undefined;
  private answeredAt: number | undefined;
  private answeredBy: string | undefined;
  /** One live list per plan executor (plugins may be asked again): flattened at the end. */
  private readonly legLists: (readonly LegRecord[])[] = [];

  constructor(
    private readonly now: () => number,
    /** Unix ms when the call started. */
    readonly startedWall: number,
  ) {
    this.startedAt = now();
  }

  /** Who answered (extension number, AOR or URI), once someone did. */
  get answeredKey(): string | undefined {
    return this.answeredBy;
  }

  ringing(): void {
    this.ringingAt ??= this.now();
  }

  /** Marks the answer and returns its Unix time (ms). */
  answered(by: string): number {
    this.answeredAt = this.now();
    this.answeredBy = by;
    return this.toEpoch(this.answeredAt);
  }

  addLegs(legs: readonly LegRecord[]): void {
    if (!this.legLists.includes(legs)) this.legLists.push(legs);
  }

  get legs(): LegRecord[] {
    return this.legLists.flat();
  }

  record(outcome: CallOutcome): CallRecordJob {
    return buildCallRecord(
      {
        ...outcome,
        ...(this.answeredBy ? { answeredBy: this.answeredBy } : {}),
        startedAt: this.startedAt,
        ...(this.ringingAt === undefined ? {} : { ringingAt: this.ringingAt }),
        ...(this.answeredAt === undefined ? {} : { answeredAt: this.answeredAt }),
        endedAt: this.now(),
        legs: this.legs,
      },
      (t) => this.toEpoch(t),
    );
  }

  private toEpoch(t: number): number {
    return Math.round(this.startedWall + (t - this.startedAt));
  }
}
