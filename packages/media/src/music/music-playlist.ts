import { MediaError } from '../errors.js';

export interface MusicPlaylistOptions {
  /** Play the tracks in a new random order each round instead of in the given order. */
  shuffle?: boolean;
  /** Random number in [0,1) for the shuffle (default Math.random); injected so tests are exact. */
  random?: () => number;
}

/**
 * An endless stream of 8 kHz audio from one or more tracks: frames run across the end of a track
 * into the next without a gap, and the last track wraps to the first (music on hold loops until the
 * call is resumed). Shuffled, every round is a fresh permutation that never starts with the track
 * that just ended, so a track is not heard twice in a row.
 */
export class MusicPlaylist {
  private readonly tracks: readonly Int16Array[];
  private readonly random: () => number;
  private order: number[] = [];
  private slot = 0;
  private offset = 0;

  constructor(
    tracks: readonly Int16Array[],
    private readonly options: MusicPlaylistOptions = {},
  ) {
    this.tracks = tracks.filter((t) => t.length > 0);
    if (this.tracks.length === 0) throw new MediaError('WAV_BAD_INPUT', 'a playlist needs audio');
    this.random = options.random ?? Math.random;
    this.order = this.newRound(undefined);
  }

  /** The index (in the constructor's list, empty tracks left out) of the track playing now. */
  get currentTrack(): number {
    return this.order[this.slot] ?? 0;
  }

  /** Fills `frame` with the next samples, moving on to the next track as one ends. */
  fill(frame: Int16Array): void {
    let filled = 0;
    while (filled < frame.length) {
      const track = this.tracks[this.currentTrack] ?? new Int16Array(0);
      const n = Math.min(frame.length - filled, track.length - this.offset);
      frame.set(track.subarray(this.offset, this.offset + n), filled);
      filled += n;
      this.offset += n;
      if (this.offset >= track.length) this.advance();
    }
  }

  private advance(): void {
    this.offset = 0;
    this.slot++;
    if (this.slot < this.order.length) return;
    this.order = this.newRound(this.order[this.order.length - 1]);
    this.slot = 0;
  }

  /** The next round's order; shuffled (Fisher-Yates) without repeating the track that just ended. */
  private newRound(last: number | undefined): number[] {
    const order = this.tracks.map((_, i) => i);
    if (!this.options.shuffle) return order;
    for (let i = order.length - 1; i > 0; i--) {
      const j = Math.floor(this.random() * (i + 1));
      [order[i], order[j]] = [order[j] ?? 0, order[i] ?? 0];
    }
    if (order.length > 1 && order[0] === last) [order[0], order[1]] = [order[1] ?? 0, order[0] ?? 0];
    return order;
  }
}
