import type { Clock, TimerHandle } from '../clock.js';
import type { RtpPacketInit } from './rtp-packet.js';
import { SessionError } from '../errors.js';
import { planDtmfDigit, type DtmfDigitOptions } from '../dtmf/dtmf-sender.js';

export interface PacedSenderOptions {
  clock: Clock;
  /** Called for every packet when it is due; the sender numbers and timestamps it. */
  send: (packet: RtpPacketInit) => void;
  ssrc: number;
  /** Audio payload type (0 PCMU, 8 PCMA). */
  payloadType: number;
  /** RFC 4733 payload type negotiated in SDP (e.g. 101); needed for `sendDigit`. */
  telephoneEventPayloadType?: number;
  clockRate?: number;
  /** Packetisation time (default 20 ms = 160 G.711 samples). */
  frameMs?: number;
  /** Bytes per sample of the audio payload (1 for G.711). */
  bytesPerSample?: number;
  /** Byte that pads a short final frame (default: G.711 silence for the payload type). */
  padByte?: number;
  initialSequence?: number;
  initialTimestamp?: number;
}

type Job =
  | { kind: 'audio'; frames: Uint8Array[]; done: (played: boolean) => void }
  | { kind: 'dtmf'; payloads: { marker: boolean; payload: Uint8Array }[]; done: (played: boolean) => void };

/**
 * Sends queued audio as one packet per frame time (RFC 3551 §4.5 packetisation), with pacing taken
 * from the injected clock: tick n fires at start + n * frameMs, so timer lateness does not drift.
 * The RTP timestamp advances by one frame every tick whether or not anything is sent (silence
 * keeps time); the first packet after silence carries the marker bit (RFC 3551 §4.1). A digit
 * interrupts nothing: it is queued like audio and sent as its RFC 4733 packet sequence, all at the
 * timestamp of the tick where it starts.
 */
export class PacedSender {
  private readonly opts: PacedSenderOptions;
  private readonly frameMs: number;
  private readonly samplesPerFrame: number;
  private readonly frameBytes: number;
  private readonly padByte: number;
  private sequence: number;
  private timestamp: number;
  private readonly queue: Job[] = [];
  private current: { job: Job; index: number; eventTimestamp: number } | undefined;
  private talking = false;
  private timer: TimerHandle | undefined;
  private startedAt = 0;
  private tickCount = 0;
  private sentPackets = 0;
  private sentOctets = 0;

  constructor(options: PacedSenderOptions) {
    this.opts = options;
    const rate = options.clockRate ?? 8000;
    this.frameMs = options.frameMs ?? 20;
    this.samplesPerFrame = Math.round((rate * this.frameMs) / 1000);
    this.frameBytes = this.samplesPerFrame * (options.bytesPerSample ?? 1);
    this.padByte = options.padByte ?? (options.payloadType === 8 ? 0xd5 : 0xff);
    this.sequence = (options.initialSequence ?? Math.floor(Math.random() * 0x10000)) & 0xffff;
    this.timestamp = (options.initialTimestamp ?? Math.floor(Math.random() * 2 ** 32)) >>> 0;
  }

  start(): void {
    if (this.timer) return;
    this.startedAt = this.opts.clock.now();
    this.tickCount = 0;
    this.scheduleNext();
  }

  /** Stops ticking; queued and playing items resolve `false`. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
    this.clear();
  }

  /** Drops everything queued or playing (e.g. the caller pressed a key during a prompt). */
  clear(): void {
    const jobs = [...(this.current ? [this.current.job] : []), ...this.queue.splice(0)];
    this.current = undefined;
    for (const job of jobs) job.done(false);
  }

  /** Queues encoded audio; resolves true when its last frame has been sent, false if cleared first. */
  enqueueAudio(data: Uint8Array): Promise<boolean> {
    const frames: Uint8Array[] = [];
    for (let o = 0; o < data.length; o += this.frameBytes) {
      const chunk = data.subarray(o, o + this.frameBytes);
      if (chunk.length === this.frameBytes) {
        frames.push(chunk);
      } else {
        const padded = new Uint8Array(this.frameBytes).fill(this.padByte);
        padded.set(chunk);
        frames.push(padded);
      }
    }
    return new Promise((resolve) => this.queue.push({ kind: 'audio', frames, done: resolve }));
  }

  /** Queues one digit as RFC 4733 events; resolves true after its last end packet. */
  enqueueDigit(options: Omit<DtmfDigitOptions, 'packetIntervalMs' | 'clockRate'>): Promise<boolean> {
    if (this.opts.telephoneEventPayloadType === undefined) {
      return Promise.reject(
        new SessionError('SESSION_STATE', 'no telephone-event payload type was negotiated'),
      );
    }
    const payloads = planDtmfDigit({
      ...options,
      packetIntervalMs: this.frameMs,
      clockRate: this.opts.clockRate ?? 8000,
    }).map(({ marker, payload }) => ({ marker, payload }));
    return new Promise((resolve) => this.queue.push({ kind: 'dtmf', payloads, done: resolve }));
  }

  get packetsSent(): number {
    return this.sentPackets;
  }

  get octetsSent(): number {
    return this.sentOctets;
  }

  /** The RTP timestamp of the next tick (for SR sender info). */
  get currentTimestamp(): number {
    return this.timestamp;
  }

  get idle(): boolean {
    return !this.current && this.queue.length === 0;
  }

  private scheduleNext(): void {
    const due = this.startedAt + (this.tickCount + 1) * this.frameMs;
    this.timer = this.opts.clock.schedule(Math.max(0, due - this.opts.clock.now()), () => {
      this.tickCount++;
      this.tick();
      if (this.timer) this.scheduleNext();
    });
  }

  private tick(): void {
    if (!this.current) {
      const job = this.queue.shift();
      if (job) this.current = { job, index: 0, eventTimestamp: this.timestamp };
    }
    const cur = this.current;
    if (!cur) {
      this.talking = false;
    } else if (cur.job.kind === 'audio') {
      const frame = cur.job.frames[cur.index++];
      if (frame) this.emit(this.opts.payloadType, !this.talking, this.timestamp, frame);
      this.talking = true;
      if (cur.index >= cur.job.frames.length) this.finish(cur.job);
    } else {
      const step = cur.job.payloads[cur.index++];
      const pt = this.opts.telephoneEventPayloadType;
      if (step && pt !== undefined) this.emit(pt, step.marker, cur.eventTimestamp, step.payload);
      // After an event the next audio starts a new talkspurt.
      this.talking = false;
      if (cur.index >= cur.job.payloads.length) this.finish(cur.job);
    }
    this.timestamp = (this.timestamp + this.samplesPerFrame) >>> 0;
  }

  private finish(job: Job): void {
    this.current = undefined;
    job.done(true);
  }

  private emit(payloadType: number, marker: boolean, timestamp: number, payload: Uint8Array): void {
    const packet: RtpPacketInit = {
      marker,
      payloadType,
      sequenceNumber: this.sequence,
      timestamp,
      ssrc: this.opts.ssrc,
      payload,
    };
    this.sequence = (this.sequence + 1) & 0xffff;
    this.sentPackets++;
    this.sentOctets += payload.length;
    this.opts.send(packet);
  }
}
