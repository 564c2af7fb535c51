import { type Clock, type TimerConfig, type TimerHandle } from '@switchboard/transactions';

/**
 * The UAS core's 2xx retransmission, RFC 3261 §13.3.1.4: the INVITE server transaction is gone once
 * it sends a 2xx, so the core resends the 2xx at T1, 2*T1, ... capped at T2 until the ACK arrives,
 * and gives up after 64*T1 (then the session should be ended with BYE).
 */
export class Uas2xxRetransmitter {
  private interval: number;
  private retransmitTimer: TimerHandle | undefined;
  private giveUpTimer: TimerHandle | undefined;
  private state: 'waiting' | 'acked' | 'timed-out' | 'stopped' = 'waiting';
  /** Number of retransmissions sent so far (the first 2xx not counted). */
  retransmissions = 0;

  constructor(
    private readonly clock: Clock,
    private readonly timers: TimerConfig,
    private readonly resend: () => void,
    private readonly onTimeout: () => void,
    /** On a reliable transport hop-by-hop delivery is assured; only the 64*T1 wait for ACK remains. */
    private readonly reliable = false,
  ) {
    this.interval = timers.t1;
  }

  get status(): 'waiting' | 'acked' | 'timed-out' | 'stopped' {
    return this.state;
  }

  start(): void {
    if (!this.reliable) this.scheduleRetransmit();
    this.giveUpTimer = this.clock.schedule(64 * this.timers.t1, () => {
      if (this.state !== 'waiting') return;
      this.state = 'timed-out';
      this.retransmitTimer?.cancel();
      this.onTimeout();
    });
  }

  ackReceived(): void {
    if (this.state !== 'waiting') return;
    this.state = 'acked';
    this.cancelTimers();
  }

  stop(): void {
    if (this.state === 'waiting') this.state = 'stopped';
    this.cancelTimers();
  }

  private scheduleRetransmit(): void {
    this.retransmitTimer = this.clock.schedule(this.interval, () => {
      if (this.state !== 'waiting') return;
      this.retransmissions++;
      this.resend();
      this.interval = Math.min(this.interval * 2, this.timers.t2);
      this.scheduleRetransmit();
    });
  }

  private cancelTimers(): void {
    this.retransmitTimer?.cancel();
    this.giveUpTimer?.cancel();
  }
}
