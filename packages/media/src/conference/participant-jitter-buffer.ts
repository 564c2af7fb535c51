export interface ParticipantJitterBufferOptions {
  /** Samples in one mixer frame (default 160: 20 ms at 8 kHz). */
  frameSamples?: number;
  /** Frames held before playout starts, and again after an underrun (default 2 = 40 ms). */
  prebufferFrames?: number;
  /** Most frames held; beyond it the oldest samples are dropped so delay stays bounded (default 8). */
  maxFrames?: number;
}

export interface ParticipantJitterBufferStats {
  /** Frames handed to the mixer. */
  played: number;
  /** Ticks where playout had to stop because the participant's audio ran out. */
  underruns: number;
  /** Samples thrown away because the buffer was full (the sender runs fast or arrived in a burst). */
  droppedSamples: number;
}

/**
 * The playout stage of one conference participant. Reordering, duplicates and loss are dealt with
 * before this by the RTP receive path (`RtpReceiver`'s sequence-number `JitterBuffer`, the one the
 * voicemail uses); what arrives here is in order but with network timing. The mixer's clock takes
 * one frame per 20 ms tick, so this holds a little audio back (`prebufferFrames`) to absorb arrival
 * jitter, re-primes after an underrun instead of playing half frames, and bounds delay by dropping
 * the oldest audio when a burst overfills it. Packets of any size (10, 20, 30 ms) are accepted: it
 * is a sample FIFO, not a packet queue.
 */
export class ParticipantJitterBuffer {
  private readonly frameSamples: number;
  private readonly prebuffer: number;
  private readonly ring: Int16Array;
  private readIndex = 0;
  private available = 0;
  private playing = false;
  private readonly counters: ParticipantJitterBufferStats = { played: 0, underruns: 0, droppedSamples: 0 };

  constructor(options: ParticipantJitterBufferOptions = {}) {
    this.frameSamples = Math.max(1, options.frameSamples ?? 160);
    const maxFrames = Math.max(1, options.maxFrames ?? 8);
    const prebufferFrames = Math.min(maxFrames, Math.max(1, options.prebufferFrames ?? 2));
    this.prebuffer = prebufferFrames * this.frameSamples;
    this.ring = new Int16Array(maxFrames * this.frameSamples);
  }

  /** Appends decoded audio; the oldest samples go when it would overflow. */
  push(samples: Int16Array): void {
    const capacity = this.ring.length;
    let input = samples;
    if (input.length > capacity) {
      this.counters.droppedSamples += input.length - capacity;
      input = input.subarray(input.length - capacity);
    }
    const overflow = this.available + input.length - capacity;
    if (overflow > 0) {
      this.readIndex = (this.readIndex + overflow) % capacity;
      this.available -= overflow;
      this.counters.droppedSamples += overflow;
    }
    let write = (this.readIndex + this.available) % capacity;
    for (let i = 0; i < input.length; i++) {
      this.ring[write] = input[i] ?? 0;
      write = write + 1 === capacity ? 0 : write + 1;
    }
    this.available += input.length;
    if (!this.playing && this.available >= this.prebuffer) this.playing = true;
  }

  /**
   * Copies the next frame into `out` (length `frameSamples`) and returns true, or returns false
   * (the participant is silent this tick) while priming or after running dry.
   */
  takeInto(out: Int16Array): boolean {
    if (!this.playing) return false;
    if (this.available < this.frameSamples) {
      this.playing = false;
      this.counters.underruns++;
      return false;
    }
    const capacity = this.ring.length;
    let read = this.readIndex;
    for (let i = 0; i < this.frameSamples; i++) {
      out[i] = this.ring[read] ?? 0;
      read = read + 1 === capacity ? 0 : read + 1;
    }
    this.readIndex = read;
    this.available -= this.frameSamples;
    this.counters.played++;
    return true;
  }

  /** Forgets held audio (the participant was muted or its source changed). */
  clear(): void {
    this.readIndex = 0;
    this.available = 0;
    this.playing = false;
  }

  /** Samples waiting to be played. */
  get depth(): number {
    return this.available;
  }

  get stats(): Readonly<ParticipantJitterBufferStats> {
    return { ...this.counters };
  }
}
