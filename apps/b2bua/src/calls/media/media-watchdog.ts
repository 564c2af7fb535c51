import type { NgClient, NgQueryResult } from '@switchboard/rtpengine';
import type { Clock, TimerHandle } from '@switchboard/transactions';
import { relayUnreachable } from './relay-health.js';

export interface WatchdogTiming {
  /** No RTP either way for this long ends the call (0 = never). */
  readonly timeoutMs: number;
  /** How often rtpengine's `query` is asked. */
  readonly pollMs: number;
}

/** The poll interval for a media timeout: a quarter of it, between 0.5 s and 10 s. */
export function pollInterval(timeoutMs: number): number {
  return timeoutMs > 0 ? Math.min(10_000, Math.max(500, Math.round(timeoutMs / 4))) : 10_000;
}

/**
 * Watches one answered, relayed call in rtpengine: a `query` every `pollMs` (one at a time, on the
 * injected clock). The call ends (`onEnd` with the record cause) when its packet counters stood
 * still for `timeoutMs` while not on hold (`media timeout`), when rtpengine no longer knows the call
 * (it restarted: `media relay lost the call`) or stops answering (`media relay not answering`).
 */
export class MediaWatchdog {
  private timer: TimerHandle | undefined;
  private packets = -1;
  private lastActivity = 0;
  private held = false;
  private stopped = false;

  constructor(
    private readonly client: NgClient,
    private readonly clock: Clock,
    private readonly callId: string,
    private readonly timing: WatchdogTiming,
    private readonly onEnd: (cause: string, err?: unknown) => void,
  ) {}

  start(): void {
    this.lastActivity = this.clock.now();
    this.schedule();
  }

  /** RFC 3264 §8.4 hold: no RTP is expected, so silence does not end the call. */
  setHeld(held: boolean): void {
    this.held = held;
    this.lastActivity = this.clock.now();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
  }

  private schedule(): void {
    this.timer = this.clock.schedule(this.timing.pollMs, () => {
      this.client.query({ callId: this.callId }).then(
        (result) => this.checked(result),
        (err: unknown) => {
          if (this.stopped) return;
          this.onEnd(relayUnreachable(err) ? 'media relay not answering' : 'media relay lost the call', err);
        },
      );
    });
  }

  private checked(result: NgQueryResult): void {
    if (this.stopped) return;
    const now = this.clock.now();
    const packets = packetCount(result);
    if (packets !== this.packets) {
      this.packets = packets;
      this.lastActivity = now;
    } else if (!this.held && this.timing.timeoutMs > 0 && now - this.lastActivity >= this.timing.timeoutMs) {
      this.onEnd('media timeout');
      return;
    }
    this.schedule();
  }
}

/** Every packet rtpengine received for the call, over all parties, media and streams (RTP and RTCP). */
export function packetCount(result: NgQueryResult): number {
  let total = 0;
  for (const medias of result.tags.values())
    for (const media of medias) for (const stream of media.streams) total += stream.stats.packets;
  return total;
}
