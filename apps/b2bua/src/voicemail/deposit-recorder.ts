import type { Clock, TimerHandle } from '@switchboard/transactions';

export type DepositPhase = 'greeting' | 'beep' | 'recording' | 'done';

/** Why a recording stopped. */
export type DepositStopReason = 'dtmf' | 'silence' | 'max-length' | 'hangup' | 'media-timeout';

export interface DepositRecorderOptions {
  /** Recording stops at this length (VoicemailBox.maxMessageSeconds). */
  readonly maxMessageMs: number;
  /** Recording stops after this long without sound; 0 disables the check. */
  readonly silenceMs: number;
  /** RMS amplitude (16-bit linear) at or below which a 20 ms frame counts as silence. */
  readonly silenceLevel: number;
  readonly sampleRate?: number;
}

export interface DepositResult {
  readonly reason: DepositStopReason;
  /** The recorded audio, trailing silence removed when silence ended it. */
  readonly samples: Int16Array;
  readonly durationMs: number;
}

/** What the recorder asks its owner to do (the owner plays media and reports back). */
export interface DepositRecorderEffects {
  /** Play the greeting or the beep, then call `playbackEnded(what)`. */
  play(what: 'greeting' | 'beep'): void;
  stopPlayback(): void;
  finished(result: DepositResult): void;
}

/**
 * The message-deposit state machine: greeting → beep → recording → done, on an injected clock.
 * `#` during the greeting skips it; during the recording `#` ends it. Silence and the maximum
 * length end it on timers; a hang-up or media timeout ends it from outside. No I/O here.
 */
export class DepositRecorder {
  private phase: DepositPhase = 'greeting';
  private readonly chunks: Int16Array[] = [];
  private recorded = 0;
  /** Samples recorded up to the end of the last frame with sound. */
  private soundEnd = 0;
  private lastSoundAt = 0;
  private maxTimer: TimerHandle | undefined;
  private silenceTimer: TimerHandle | undefined;
  private readonly sampleRate: number;

  constructor(
    private readonly clock: Clock,
    private readonly options: DepositRecorderOptions,
    private readonly effects: DepositRecorderEffects,
  ) {
    this.sampleRate = options.sampleRate ?? 8000;
  }

  get state(): DepositPhase {
    return this.phase;
  }

  start(): void {
    this.effects.play('greeting');
  }

  playbackEnded(what: 'greeting' | 'beep'): void {
    if (what === 'greeting' && this.phase === 'greeting') this.toBeep();
    else if (what === 'beep' && this.phase === 'beep') this.toRecording();
  }

  digit(digit: string): void {
    if (digit !== '#') return;
    if (this.phase === 'greeting') {
      this.effects.stopPlayback();
      this.toBeep();
    } else if (this.phase === 'recording') {
      this.finish('dtmf');
    }
  }

  /** Decoded audio from the caller (ignored outside the recording phase: the greeting is not recorded). */
  audio(samples: Int16Array): void {
    if (this.phase !== 'recording') return;
    const room = this.maxSamples - this.recorded;
    const take = samples.length <= room ? samples : samples.subarray(0, Math.max(0, room));
    this.chunks.push(Int16Array.from(take));
    this.recorded += take.length;
    if (rms(take) > this.options.silenceLevel) {
      this.soundEnd = this.recorded;
      this.lastSoundAt = this.clock.now();
    }
    if (this.recorded >= this.maxSamples) this.finish('max-length');
  }

  /** The caller hung up, or media stopped arriving. */
  stop(reason: 'hangup' | 'media-timeout'): void {
    if (this.phase === 'done') return;
    if (this.phase !== 'recording') this.effects.stopPlayback();
    this.finish(reason);
  }

  private get maxSamples(): number {
    return Math.floor((this.options.maxMessageMs * this.sampleRate) / 1000);
  }

  private toBeep(): void {
    this.phase = 'beep';
    this.effects.play('beep');
  }

  private toRecording(): void {
    this.phase = 'recording';
    this.lastSoundAt = this.clock.now();
    this.maxTimer = this.clock.schedule(this.options.maxMessageMs, () => this.finish('max-length'));
    if (this.options.silenceMs > 0) this.armSilence(this.options.silenceMs);
  }

  /** One timer at a time: when it fires, either silence lasted long enough or it re-arms for the rest. */
  private armSilence(ms: number): void {
    this.silenceTimer = this.clock.schedule(ms, () => {
      const quietFor = this.clock.now() - this.lastSoundAt;
      if (quietFor >= this.options.silenceMs) this.finish('silence');
      else this.armSilence(this.options.silenceMs - quietFor);
    });
  }

  private finish(reason: DepositStopReason): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.maxTimer?.cancel();
    this.silenceTimer?.cancel();
    const all = concat(this.chunks, this.recorded);
    const samples = reason === 'silence' ? all.subarray(0, this.soundEnd) : all;
    this.effects.finished({
      reason,
      samples,
      durationMs: Math.round((samples.length * 1000) / this.sampleRate),
    });
  }
}

function concat(chunks: readonly Int16Array[], total: number): Int16Array {
  const out = new Int16Array(total);
  let at = 0;
  for (const c of chunks) {
    out.set(c, at);
    at += c.length;
  }
  return out;
}

/** Root mean square amplitude of a frame. */
export function rms(samples: Int16Array): number {
  if (samples.length === 0) return 0;
  let sum = 0;
  for (const s of samples) sum += s * s;
  return Math.sqrt(sum / samples.length);
}
