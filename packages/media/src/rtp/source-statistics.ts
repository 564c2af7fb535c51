import type { ReportBlock } from '../rtcp/rtcp-packet.js';
import { RTP_SEQ_MOD, extendSequence } from './sequence-number.js';

export interface SourceStatisticsOptions {
  /** Packets in sequence needed before a source is valid (RFC 3550 §A.1 MIN_SEQUENTIAL, default 2). */
  minSequential?: number;
  /** Largest forward jump still taken as loss rather than a restart (MAX_DROPOUT, default 3000). */
  maxDropout?: number;
  /** Largest backward step still taken as reordering (MAX_MISORDER, default 100). */
  maxMisorder?: number;
  /** RTP clock rate of the media, to express arrival times in timestamp units for jitter (default 8000). */
  clockRate?: number;
}

/** How `update` judged a packet's sequence number. */
export type SequenceVerdict =
  /** Counted; `extendedSequence` places it on the 32-bit line. */
  | { accepted: true; extendedSequence: number }
  /** Not counted: the source is still on probation, or the number jumped too far (§A.1). */
  | { accepted: false; reason: 'probation' | 'bad-sequence' };

/**
 * Per-source reception state of RFC 3550 appendix A: sequence validation and wrap counting (§A.1),
 * expected/lost packet counts and the loss fraction since the last report (§A.3), and the
 * interarrival jitter estimate (§A.8). Pure: arrival times are passed in by the caller.
 */
export class SourceStatistics {
  private readonly minSequential: number;
  private readonly maxDropout: number;
  private readonly maxMisorder: number;
  private readonly clockRate: number;

  private maxSeq = 0;
  private cycles = 0;
  private baseSeq = 0;
  private badSeq = RTP_SEQ_MOD + 1;
  private probation: number;
  private receivedCount = 0;
  private expectedPrior = 0;
  private receivedPrior = 0;
  private transit: number | undefined;
  private jitterEstimate = 0;
  private lastSr: { middle32: number; arrivalMs: number } | undefined;

  constructor(
    readonly ssrc: number,
    firstSeq: number,
    options: SourceStatisticsOptions = {},
  ) {
    this.minSequential = options.minSequential ?? 2;
    this.maxDropout = options.maxDropout ?? 3000;
    this.maxMisorder = options.maxMisorder ?? 100;
    this.clockRate = options.clockRate ?? 8000;
    // §A.1: a new source starts on probation with max_seq one below its first packet.
    this.initSeq(firstSeq);
    this.maxSeq = (firstSeq - 1) & 0xffff;
    this.probation = this.minSequential;
  }

  /** §A.1 update_seq(). */
  update(seq: number): SequenceVerdict {
    const udelta = (seq - this.maxSeq) & 0xffff;
    if (this.probation > 0) {
      if (seq === ((this.maxSeq + 1) & 0xffff)) {
        this.probation--;
        this.maxSeq = seq;
        if (this.probation === 0) {
          this.initSeq(seq);
          this.receivedCount++;
          return { accepted: true, extendedSequence: this.extendedMax };
        }
      } else {
        this.probation = this.minSequential - 1;
        this.maxSeq = seq;
      }
      return { accepted: false, reason: 'probation' };
    } else if (udelta < this.maxDropout) {
      // In order, with a permissible gap; a smaller number means the 16-bit counter wrapped.
      if (seq < this.maxSeq) this.cycles += RTP_SEQ_MOD;
      this.maxSeq = seq;
    } else if (udelta <= RTP_SEQ_MOD - this.maxMisorder) {
      // A very large jump: accept it only if the next packet follows it (the sender restarted).
      if (seq === this.badSeq) {
        this.initSeq(seq);
      } else {
        this.badSeq = (seq + 1) & 0xffff;
        return { accepted: false, reason: 'bad-sequence' };
      }
    }
    // Otherwise a duplicate or reordered packet: counted, as in the RFC's reference code.
    this.receivedCount++;
    return { accepted: true, extendedSequence: extendSequence(seq, this.extendedMax) };
  }

  /**
   * §A.8: feeds the jitter estimate J += (|D| - J) / 16 with one packet's RTP timestamp and its
   * arrival time (ms on any monotonic line). Call it only for packets of one media clock (not DTMF).
   */
  recordArrival(rtpTimestamp: number, arrivalMs: number): void {
    const arrival = Math.round((arrivalMs * this.clockRate) / 1000);
    const transit = (arrival - rtpTimestamp) | 0;
    if (this.transit !== undefined) {
      const d = Math.abs((transit - this.transit) | 0);
      this.jitterEstimate += (d - this.jitterEstimate) / 16;
    }
    this.transit = transit;
  }

  /** Remembers a sender report from this source for the LSR/DLSR fields (§6.4.1). */
  recordSenderReport(ntpMiddle32: number, arrivalMs: number): void {
    this.lastSr = { middle32: ntpMiddle32 >>> 0, arrivalMs };
  }

  get valid(): boolean {
    return this.probation === 0;
  }

  get received(): number {
    return this.receivedCount;
  }

  get extendedMax(): number {
    return this.cycles + this.maxSeq;
  }

  /** §A.3: packets expected from the first valid one up to the highest seen. */
  get expected(): number {
    return this.valid ? this.extendedMax - this.baseSeq + 1 : 0;
  }

  /** §A.3 cumulative loss, clamped to the 24-bit signed field of a report block (duplicates make it negative). */
  get cumulativeLost(): number {
    return Math.max(-0x800000, Math.min(0x7fffff, this.expected - this.receivedCount));
  }

  /** Interarrival jitter in timestamp units, as a report block carries it. */
  get jitter(): number {
    return Math.floor(this.jitterEstimate);
  }

  /**
   * Builds this source's RTCP report block and starts a new loss interval (§A.3: the fraction is
   * lost/expected since the previous report, in 1/256 units, 0 when duplicates outnumber losses).
   */
  takeReportBlock(nowMs: number): ReportBlock {
    const expected = this.expected;
    const expectedInterval = expected - this.expectedPrior;
    this.expectedPrior = expected;
    const receivedInterval = this.receivedCount - this.receivedPrior;
    this.receivedPrior = this.receivedCount;
    const lostInterval = expectedInterval - receivedInterval;
    const fractionLost =
      expectedInterval === 0 || lostInterval <= 0 ? 0 : Math.floor((lostInterval * 256) / expectedInterval);
    const sr = this.lastSr;
    return {
      ssrc: this.ssrc,
      fractionLost: Math.min(255, fractionLost),
      cumulativeLost: this.cumulativeLost,
      extendedHighestSequence: this.extendedMax >>> 0,
      jitter: this.jitter >>> 0,
      lastSenderReport: sr ? sr.middle32 : 0,
      // DLSR is in units of 1/65536 s (§6.4.1).
      delaySinceLastSenderReport: sr
        ? Math.max(0, Math.round(((nowMs - sr.arrivalMs) * 65536) / 1000)) >>> 0
        : 0,
    };
  }

  /** §A.1 init_seq(). */
  private initSeq(seq: number): void {
    this.baseSeq = seq;
    this.maxSeq = seq;
    this.badSeq = RTP_SEQ_MOD + 1;
    this.cycles = 0;
    this.receivedCount = 0;
    this.receivedPrior = 0;
    this.expectedPrior = 0;
  }
}
