import type { Clock, TimerHandle } from '../clock.js';
import { g711Encode, G711_FRAME_SAMPLES, type G711Law } from '../codec/g711.js';
import type { MusicPlaylist } from './music-playlist.js';

const FRAME_MS = 20; // one G.711 frame of 160 samples at 8 kHz (RFC 3551 §4.5.14)

export interface MusicPlayerOptions {
  clock: Clock;
  playlist: MusicPlaylist;
  /** The law negotiated with the listener. */
  law: G711Law;
  /** Receives one encoded 20 ms frame per tick (e.g. an RtpSession's paced sender). */
  send: (payload: Uint8Array) => void;
}

/**
 * Streams a playlist as G.711 frames, one every 20 ms of the injected clock: tick n fires at
 * start + n·20 ms, so a late timer never makes the music drift or burst. A tick that fires more than
 * a frame late sends one frame only (the listener hears a short skip, not a backlog). Socket-free.
 */
export class MusicPlayer {
  private readonly frame = new Int16Array(G711_FRAME_SAMPLES);
  private timer: TimerHandle | undefined;
  private startedAt = 0;
  private tickCount = 0;
  private sent = 0;

  constructor(private readonly options: MusicPlayerOptions) {}

  /** Starts (or keeps) playing; the first frame goes one frame time from now. */
  start(): void {
    if (this.timer) return;
    this.startedAt = this.options.clock.now();
    this.tickCount = 0;
    this.scheduleNext();
  }

  /** Stops; `start()` later resumes where the music stopped. */
  stop(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  get playing(): boolean {
    return this.timer !== undefined;
  }

  get framesSent(): number {
    return this.sent;
  }

  private scheduleNext(): void {
    const clock = this.options.clock;
    // The next tick on the grid that is still ahead: a late tick is not made up by a burst.
    const behind = Math.floor((clock.now() - this.startedAt) / FRAME_MS) + 1;
    this.tickCount = Math.max(this.tickCount + 1, behind);
    const due = this.startedAt + this.tickCount * FRAME_MS;
    this.timer = clock.schedule(Math.max(0, due - clock.now()), () => {
      this.options.playlist.fill(this.frame);
      this.sent++;
      this.options.send(g711Encode(this.options.law, this.frame));
      if (this.timer) this.scheduleNext();
    });
  }
}
