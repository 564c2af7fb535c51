import type { Logger } from '@switchboard/config';
import { NgError, type NgClient } from '@switchboard/rtpengine';
import type { Clock, TimerHandle } from '@switchboard/transactions';

/** How often a silent rtpengine is pinged until it answers again. */
export const RELAY_PROBE_MS = 1000;

/**
 * Whether rtpengine answers, as the signalling process last saw it. An ng command that got no answer
 * (timeout, socket error) marks it down: new calls then get SWITCHBOARD_MEDIA_FALLBACK instead of
 * each waiting for the ng timeout, and a `ping` every RELAY_PROBE_MS (on the injected clock) marks it
 * up again. A refusal (`rejected`) is an answer: rtpengine lives.
 */
export class RelayHealth {
  private down = false;
  private probe: TimerHandle | undefined;
  private closed = false;

  constructor(
    private readonly client: NgClient,
    private readonly clock: Clock,
    private readonly logger: Logger,
  ) {}

  get up(): boolean {
    return !this.down;
  }

  /** An ng command failed; `call` is the call it was for (logged). */
  failed(err: unknown, call?: string): void {
    if (!relayUnreachable(err) || this.down || this.closed) return;
    this.down = true;
    this.logger.error(
      { err, call },
      'rtpengine does not answer: new calls get the media fallback until it does',
    );
    this.scheduleProbe();
  }

  close(): void {
    this.closed = true;
    this.probe?.cancel();
  }

  private scheduleProbe(): void {
    this.probe = this.clock.schedule(RELAY_PROBE_MS, () => {
      this.client.ping().then(
        () => {
          this.down = false;
          this.logger.warn('rtpengine answers again: new calls are relayed');
        },
        () => {
          if (!this.closed) this.scheduleProbe();
        },
      );
    });
  }
}

/** rtpengine did not answer (as opposed to answering with an error). */
export function relayUnreachable(err: unknown): boolean {
  return err instanceof NgError && (err.code === 'timeout' || err.code === 'transport');
}
