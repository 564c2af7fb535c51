import type { Clock, TimerHandle } from '../clock.js';
import { g711Decode, g711Encode, type G711Law } from '../codec/g711.js';
import { ConferenceError } from '../errors.js';
import { conferenceJoinTone, conferenceLeaveTone } from './conference-tones.js';
import {
  ParticipantJitterBuffer,
  type ParticipantJitterBufferOptions,
  type ParticipantJitterBufferStats,
} from './participant-jitter-buffer.js';
import { accumulate, mixMinus } from './saturating-mix.js';

/** The most participants one room mixes (the bound; one tick stays far below 1 ms at 32). */
export const CONFERENCE_MAX_PARTICIPANTS = 32;
const FRAME_MS = 20;
const FRAME_SAMPLES = 160; // 20 ms at 8 kHz, the G.711 clock rate (RFC 3551 §4.5.14)

export interface ConferenceMixerOptions {
  clock: Clock;
  /** At most this many participants (1 … 32, default 32). */
  maxParticipants?: number;
  /** Per-participant playout buffer settings. */
  jitterBuffer?: ParticipantJitterBufferOptions;
  /** Played to the others on a join with `announce` (default: a rising chime). */
  joinTone?: Int16Array;
  /** Played to those remaining on a leave with `announce` (default: a falling chime). */
  leaveTone?: Int16Array;
}

export interface ConferenceParticipantOptions {
  /** The G.711 law agreed with this participant: its audio is decoded and its mix encoded with it. */
  law: G711Law;
  /** Receives one encoded 20 ms frame every tick (silence included, so the phone's RTP keeps flowing). */
  send: (payload: Uint8Array) => void;
  muted?: boolean;
  /** Play the join tone to the others now and the leave tone when this participant leaves. */
  announce?: boolean;
}

interface Playback {
  samples: Int16Array;
  offset: number;
}

interface Participant {
  readonly id: string;
  readonly law: G711Law;
  readonly send: (payload: Uint8Array) => void;
  readonly announce: boolean;
  readonly buffer: ParticipantJitterBuffer;
  readonly frame: Int16Array;
  muted: boolean;
  /** The frame of this tick was added to the total (neither silent nor muted). */
  contributed: boolean;
  /** Tones and prompts for this participant alone, in order. */
  readonly playbacks: Playback[];
}

export interface ConferenceMixerStats {
  ticks: number;
  /** Ticks that fired later than one frame after they were due (the event loop was busy). */
  lateTicks: number;
}

/**
 * An audio conference bridge for G.711 participants. Every 20 ms tick of the injected clock (tick n
 * at start + n·20 ms, so timer lateness never drifts) it takes one frame from each participant's
 * playout buffer, sums the unmuted ones in 32-bit linear PCM, and sends each participant the sum
 * minus its own frame (mix-minus: nobody hears themselves), plus any tone queued for it, saturated
 * to 16 bits and encoded in that participant's law. Ticking runs only while someone is in the room.
 * Socket-free: the caller feeds received payloads in order (after the RTP receiver) and sends what
 * `send` gets.
 */
export class ConferenceMixer {
  private readonly clock: Clock;
  private readonly maxParticipants: number;
  private readonly participants = new Map<string, Participant>();
  private readonly total = new Int32Array(FRAME_SAMPLES);
  private readonly toneFrame = new Int16Array(FRAME_SAMPLES);
  private readonly outFrame = new Int16Array(FRAME_SAMPLES);
  private readonly opts: ConferenceMixerOptions;
  private timer: TimerHandle | undefined;
  private startedAt = 0;
  private tickCount = 0;
  private readonly counters: ConferenceMixerStats = { ticks: 0, lateTicks: 0 };

  constructor(options: ConferenceMixerOptions) {
    const max = options.maxParticipants ?? CONFERENCE_MAX_PARTICIPANTS;
    if (!Number.isInteger(max) || max < 1 || max > CONFERENCE_MAX_PARTICIPANTS)
      throw new ConferenceError(
        'CONFERENCE_BAD_OPTION',
        `maxParticipants must be an integer from 1 to ${CONFERENCE_MAX_PARTICIPANTS}, got ${max}`,
      );
    this.clock = options.clock;
    this.maxParticipants = max;
    this.opts = options;
  }

  /** Adds a participant; throws CONFERENCE_FULL when the room holds its maximum. */
  join(id: string, options: ConferenceParticipantOptions): void {
    if (this.participants.has(id))
      throw new ConferenceError('CONFERENCE_DUPLICATE', `participant ${id} is already in the room`);
    if (this.participants.size >= this.maxParticipants)
      throw new ConferenceError('CONFERENCE_FULL', `the room is full (${this.maxParticipants} participants)`);
    if (options.announce) this.playToOthers(id, this.opts.joinTone ?? conferenceJoinTone());
    this.participants.set(id, {
      id,
      law: options.law,
      send: options.send,
      announce: options.announce ?? false,
      buffer: new ParticipantJitterBuffer({ frameSamples: FRAME_SAMPLES, ...this.opts.jitterBuffer }),
      frame: new Int16Array(FRAME_SAMPLES),
      muted: options.muted ?? false,
      contributed: false,
      playbacks: [],
    });
    this.start();
  }

  /** Removes a participant (false if it was not there); the last one out stops the ticking. */
  leave(id: string): boolean {
    const p = this.participants.get(id);
    if (!p) return false;
    this.participants.delete(id);
    if (p.announce) this.playToOthers(id, this.opts.leaveTone ?? conferenceLeaveTone());
    if (this.participants.size === 0) this.stop();
    return true;
  }

  /** One received G.711 payload of this participant, in sequence order. */
  receive(id: string, payload: Uint8Array): void {
    const p = this.participant(id);
    p.buffer.push(g711Decode(p.law, payload));
  }

  /** Linear 8 kHz audio of this participant (for sources that are not G.711). */
  receivePcm(id: string, samples: Int16Array): void {
    this.participant(id).buffer.push(samples);
  }

  setMuted(id: string, muted: boolean): void {
    // The buffer keeps being drained while muted, so nothing held bursts out on unmute.
    this.participant(id).muted = muted;
  }

  /** Flips the participant's mute and returns the new state. */
  toggleMute(id: string): boolean {
    const muted = !this.participant(id).muted;
    this.setMuted(id, muted);
    return muted;
  }

  isMuted(id: string): boolean {
    return this.participant(id).muted;
  }

  /** Queues linear 8 kHz audio (a prompt, a tone) for one participant only, after what it already has. */
  playTo(id: string, samples: Int16Array): void {
    this.participant(id).playbacks.push({ samples, offset: 0 });
  }

  has(id: string): boolean {
    return this.participants.has(id);
  }

  get size(): number {
    return this.participants.size;
  }

  get stats(): Readonly<ConferenceMixerStats> {
    return { ...this.counters };
  }

  /** Playout statistics of one participant. */
  jitterStats(id: string): Readonly<ParticipantJitterBufferStats> {
    return this.participant(id).buffer.stats;
  }

  /** Stops ticking and forgets everyone (the room closes). */
  close(): void {
    this.participants.clear();
    this.stop();
  }

  private participant(id: string): Participant {
    const p = this.participants.get(id);
    if (!p) throw new ConferenceError('CONFERENCE_UNKNOWN_PARTICIPANT', `no participant ${id} in the room`);
    return p;
  }

  private playToOthers(id: string, samples: Int16Array): void {
    for (const p of this.participants.values()) if (p.id !== id) p.playbacks.push({ samples, offset: 0 });
  }

  private start(): void {
    if (this.timer) return;
    this.startedAt = this.clock.now();
    this.tickCount = 0;
    this.scheduleNext();
  }

  private stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private scheduleNext(): void {
    this.tickCount++;
    const due = this.startedAt + this.tickCount * FRAME_MS;
    this.timer = this.clock.schedule(Math.max(0, due - this.clock.now()), () => {
      if (this.clock.now() - due >= FRAME_MS) this.counters.lateTicks++;
      this.tick();
      if (this.timer && this.participants.size > 0) this.scheduleNext();
    });
  }

  private tick(): void {
    this.counters.ticks++;
    this.total.fill(0);
    for (const p of this.participants.values()) {
      const has = p.buffer.takeInto(p.frame);
      p.contributed = has && !p.muted;
      if (p.contributed) accumulate(this.total, p.frame);
    }
    for (const p of this.participants.values()) {
      const tone = this.nextPlaybackFrame(p);
      mixMinus(this.total, p.contributed ? p.frame : undefined, tone, this.outFrame);
      p.send(g711Encode(p.law, this.outFrame));
    }
  }

  /** The next 20 ms of the participant's queued playbacks (tones run back to back), if any. */
  private nextPlaybackFrame(p: Participant): Int16Array | undefined {
    if (p.playbacks.length === 0) return undefined;
    this.toneFrame.fill(0);
    let filled = 0;
    while (filled < FRAME_SAMPLES) {
      const head = p.playbacks[0];
      if (!head) break;
      const n = Math.min(FRAME_SAMPLES - filled, head.samples.length - head.offset);
      this.toneFrame.set(head.samples.subarray(head.offset, head.offset + n), filled);
      filled += n;
      head.offset += n;
      if (head.offset >= head.samples.length) p.playbacks.shift();
    }
    return this.toneFrame;
  }
}
