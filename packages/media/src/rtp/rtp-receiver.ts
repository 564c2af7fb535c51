import type { Clock, TimerHandle } from '../clock.js';
import type { ReportBlock } from '../rtcp/rtcp-packet.js';
import { DtmfReceiver, type DtmfDigitEvent } from '../dtmf/dtmf-receiver.js';
import { JitterBuffer, type JitterBufferStats } from './jitter-buffer.js';
import type { RtpPacket } from './rtp-packet.js';
import { SourceStatistics } from './source-statistics.js';

export interface RtpReceiverOptions {
  clock: Clock;
  /** Audio payload type (0 PCMU, 8 PCMA). */
  payloadType: number;
  /** RFC 4733 payload type; its packets become digits instead of audio. */
  telephoneEventPayloadType?: number;
  clockRate?: number;
  minSequential?: number;
  jitterBuffer?: { maxDepth?: number; maxDelayMs?: number };
  onAudio: (packet: RtpPacket) => void;
  onDigit: (digit: DtmfDigitEvent) => void;
}

export type ReceiveVerdict = 'accepted' | 'unexpected-payload-type' | 'unvalidated' | 'bad-telephone-event';

/**
 * The socket-free receive path of one RTP stream: source validation and statistics (RFC 3550 §A.1,
 * §A.3, §A.8), reordering through the jitter buffer, then audio to `onAudio` and RFC 4733 events to
 * `onDigit` (once per key press). Audio and events share one sequence space, so both go through
 * the same buffer and come out in order. The buffer's gap deadline is scheduled on the clock.
 */
export class RtpReceiver {
  private readonly opts: RtpReceiverOptions;
  private readonly jitter: JitterBuffer<RtpPacket>;
  private readonly dtmf = new DtmfReceiver();
  private stats: SourceStatistics | undefined;
  private timer: TimerHandle | undefined;
  private badEvents = 0;

  constructor(options: RtpReceiverOptions) {
    this.opts = options;
    this.jitter = new JitterBuffer<RtpPacket>({ clock: options.clock, ...options.jitterBuffer });
  }

  /** Takes one decoded packet (its payload must stay valid: copy socket buffers first). */
  receive(packet: RtpPacket): ReceiveVerdict {
    const pt = packet.payloadType;
    if (pt !== this.opts.payloadType && pt !== this.opts.telephoneEventPayloadType)
      return 'unexpected-payload-type';
    if (this.stats?.ssrc !== packet.ssrc) {
      // A new SSRC is a new source (RFC 3550 §8.2): play out the old one, then fresh statistics and sequence space.
      this.flushBuffer();
      this.jitter.reset();
      this.stats = new SourceStatistics(packet.ssrc, packet.sequenceNumber, {
        ...(this.opts.minSequential !== undefined ? { minSequential: this.opts.minSequential } : {}),
        ...(this.opts.clockRate !== undefined ? { clockRate: this.opts.clockRate } : {}),
      });
    }
    const verdict = this.stats.update(packet.sequenceNumber);
    if (!verdict.accepted) return 'unvalidated';
    // Jitter is measured on the audio clock only: all packets of a DTMF event share one timestamp.
    if (pt === this.opts.payloadType) this.stats.recordArrival(packet.timestamp, this.opts.clock.now());
    this.jitter.push(verdict.extendedSequence, packet);
    this.drain();
    return 'accepted';
  }

  /** Plays out everything held and concludes a digit in progress (media stopped or session closing). */
  flush(): void {
    this.flushBuffer();
    for (const d of this.dtmf.flush()) this.opts.onDigit(d);
  }

  /** Concludes a digit whose end packets never came, without touching buffered audio. */
  flushDigits(): void {
    for (const d of this.dtmf.flush()) this.opts.onDigit(d);
  }

  /** Remembers an SR from the current source for LSR/DLSR. */
  recordSenderReport(ssrc: number, ntpMiddle32: number): void {
    if (this.stats?.ssrc === ssrc) this.stats.recordSenderReport(ntpMiddle32, this.opts.clock.now());
  }

  /** Report blocks for an SR/RR: one for the current source once it is valid. */
  takeReportBlocks(): ReportBlock[] {
    return this.stats?.valid ? [this.stats.takeReportBlock(this.opts.clock.now())] : [];
  }

  /** Cancels the pending jitter-buffer deadline. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  get source(): SourceStatistics | undefined {
    return this.stats;
  }

  get jitterBufferStats(): JitterBufferStats {
    return this.jitter.stats;
  }

  /** Telephone-event packets whose payload was malformed. */
  get badTelephoneEvents(): number {
    return this.badEvents;
  }

  private drain(): void {
    for (const p of this.jitter.release()) this.dispatch(p);
    const deadline = this.jitter.nextDeadline();
    if (deadline === undefined || this.timer) return;
    this.timer = this.opts.clock.schedule(Math.max(0, deadline - this.opts.clock.now()), () => {
      this.timer = undefined;
      this.drain();
    });
  }

  private flushBuffer(): void {
    for (const p of this.jitter.flush()) this.dispatch(p);
  }

  private dispatch(packet: RtpPacket): void {
    if (packet.payloadType !== this.opts.telephoneEventPayloadType) {
      this.opts.onAudio(packet);
      return;
    }
    try {
      for (const d of this.dtmf.receive(packet.timestamp, packet.payload)) this.opts.onDigit(d);
    } catch {
      this.badEvents++;
    }
  }
}
