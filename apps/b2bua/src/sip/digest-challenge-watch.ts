import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { DigestBaseAlgorithm } from '@switchboard/dialog';

/** A challenge an extension's phone never answered (it sent no credentials afterwards). */
export interface UnansweredChallenge {
  readonly extension: string;
  /** `host:port` the request came from. */
  readonly source: string;
  readonly offered: readonly DigestBaseAlgorithm[];
}

export interface DigestChallengeWatchOptions {
  readonly clock: Clock;
  /** How long after a challenge the phone counts as silent. Phones answer within a round trip. */
  readonly silenceMs: number;
  /** Challenges watched at once; beyond it new ones are not watched (bounded memory under a flood). */
  readonly maxEntries: number;
  readonly onSilent: (challenge: UnansweredChallenge) => void;
}

/**
 * Notices phones that give up on a digest challenge: baresip 1.0 stops ("Function not implemented")
 * when a challenge offers SHA-256, many desk phones when nothing they know is offered. Such a phone
 * sends no credentials at all, so nothing fails visibly on the PBX side; this tells the operator.
 * Timers run on the injected clock.
 */
export class DigestChallengeWatch {
  private readonly watched = new Map<string, { challenge: UnansweredChallenge; timer: TimerHandle }>();

  constructor(private readonly options: DigestChallengeWatchOptions) {}

  /** We challenged `extension` at `source`; a retransmission or repeat keeps the first deadline. */
  challenged(challenge: UnansweredChallenge): void {
    const key = keyOf(challenge.extension, challenge.source);
    if (this.watched.has(key) || this.watched.size >= this.options.maxEntries) return;
    const timer = this.options.clock.schedule(this.options.silenceMs, () => {
      this.watched.delete(key);
      this.options.onSilent(challenge);
    });
    this.watched.set(key, { challenge, timer });
  }

  /** The phone sent credentials (right or wrong): it does answer our challenges. */
  answered(extension: string, source: string): void {
    const key = keyOf(extension, source);
    this.watched.get(key)?.timer.cancel();
    this.watched.delete(key);
  }

  get size(): number {
    return this.watched.size;
  }

  stop(): void {
    for (const { timer } of this.watched.values()) timer.cancel();
    this.watched.clear();
  }
}

function keyOf(extension: string, source: string): string {
  return `${extension}\u0000${source}`;
}
