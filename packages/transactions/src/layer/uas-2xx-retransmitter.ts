import { type Clock, type TimerHandle } from '../clock.js';
import { type ServerTransaction } from './server-transaction.js';

/**
 * RFC 3261 §13.3.1.4: the UAS core (not the transaction) retransmits a 2xx to INVITE at
 * T1, 2T1… capped at T2 until the ACK arrives, and gives up after 64*T1. On reliable
 * transports only the give-up timer runs. The INVITE server transaction sits in the
 * RFC 6026 Accepted state meanwhile and forwards each retransmission.
 */
export class Uas2xxRetransmitter<M> {
  private timer: TimerHandle | undefined;
  private giveUp: TimerHandle | undefined;
  private interval: number;
  private done = false;

  constructor(
    private readonly tx: ServerTransaction<M>,
    private readonly response: M,
    private readonly clock: Clock,
    private readonly onNoAck: () => void = () => undefined,
  ) {
    this.interval = tx.origin.transport.timers.t1;
  }

  /** Sends the 2xx and arms the timers. */
  start(): void {
    this.tx.respond(this.response);
    const { t1 } = this.tx.origin.transport.timers;
    if (!this.tx.origin.transport.reliable) this.arm();
    this.giveUp = this.clock.schedule(64 * t1, () => {
      this.stop();
      this.onNoAck();
    });
  }

  /** The ACK arrived: stop retransmitting. */
  ack(): void {
    this.stop();
  }

  get stopped(): boolean {
    return this.done;
  }

  private arm(): void {
    this.timer = this.clock.schedule(this.interval, () => {
      if (this.done) return;
      this.tx.respond(this.response);
      this.interval = Math.min(2 * this.interval, this.tx.origin.transport.timers.t2);
      this.arm();
    });
  }

  private stop(): void {
    this.done = true;
    this.timer?.cancel();
    this.giveUp?.cancel();
  }
}
