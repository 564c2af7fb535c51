import {
  type ClientEvent,
  type Effect,
  type TransactionMachine,
  send,
  startTimer,
  stopTimer,
  terminated,
  toTu,
} from './effects.js';
import { TIMER_D_UNRELIABLE, type TransactionContext } from './timer-config.js';

export type InviteClientState = 'calling' | 'proceeding' | 'completed' | 'accepted' | 'terminated';

/**
 * INVITE client transaction, RFC 3261 §17.1.1 with the RFC 6026 §8.4 "Accepted" state:
 * a 2xx no longer kills the transaction, it waits Timer M so 2xx retransmissions reach the TU.
 */
export class InviteClientTransaction<M> implements TransactionMachine<ClientEvent<M>, M, InviteClientState> {
  private current: InviteClientState = 'calling';
  private intervalA: number;
  private ack: M | undefined;
  /** A CANCEL was sent while proceeding: the §9.1 give-up timer runs. */
  private cancelArmed = false;

  /** `buildAck` makes the §17.1.1.3 ACK for a non-2xx final response. */
  constructor(
    private readonly request: M,
    private readonly ctx: TransactionContext,
    private readonly buildAck: (response: M) => M,
  ) {
    this.intervalA = ctx.timers.t1;
  }

  get state(): InviteClientState {
    return this.current;
  }

  start(): Effect<M>[] {
    const fx: Effect<M>[] = [send(this.request)];
    // §17.1.1.2: Timer A only on unreliable transports; Timer B always.
    if (!this.ctx.reliable) fx.push(startTimer('A', this.intervalA));
    fx.push(startTimer('B', 64 * this.ctx.timers.t1));
    return fx;
  }

  handle(event: ClientEvent<M>): Effect<M>[] {
    switch (this.current) {
      case 'calling':
        return this.onCalling(event);
      case 'proceeding':
        return this.onProceeding(event);
      case 'completed':
        return this.onCompleted(event);
      case 'accepted':
        return this.onAccepted(event);
      case 'terminated':
        return [];
    }
  }

  private onCalling(event: ClientEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'cancelSent':
        // Timer B (64*T1 from the INVITE) still runs and ends the transaction first (§9.1).
        return [];
      case 'response':
        return this.onResponse(event.status, event.message);
      case 'timer':
        // A stray Timer A on a reliable transport (never armed there) is ignored.
        if (event.timer === 'A' && !this.ctx.reliable) {
          // Doubling without a T2 cap for INVITE (§17.1.1.2).
          this.intervalA *= 2;
          return [send(this.request), startTimer('A', this.intervalA)];
        }
        if (event.timer === 'B')
          return this.terminate([toTu({ type: 'timeout', timer: 'B' }), stopTimer('A')]);
        return [];
      case 'transportError':
        return this.terminate([
          toTu({ type: 'transportError', error: event.error }),
          stopTimer('A'),
          stopTimer('B'),
        ]);
    }
  }

  private onResponse(status: number, message: M): Effect<M>[] {
    const leaving: Effect<M>[] = this.current === 'calling' ? [stopTimer('A'), stopTimer('B')] : [];
    if (status >= 200 && this.cancelArmed) {
      this.cancelArmed = false;
      leaving.push(stopTimer('CANCEL'));
    }
    if (status < 200) {
      this.current = 'proceeding';
      return [...leaving, toTu({ type: 'response', message })];
    }
    if (status < 300) {
      // RFC 6026 §8.4: Accepted, Timer M = 64*T1; the TU sends the ACK for a 2xx itself.
      this.current = 'accepted';
      return [...leaving, toTu({ type: 'response', message }), startTimer('M', 64 * this.ctx.timers.t1)];
    }
    this.ack = this.buildAck(message);
    this.current = 'completed';
    const fx: Effect<M>[] = [...leaving, send(this.ack), toTu({ type: 'response', message })];
    if (this.ctx.reliable) return this.terminate(fx);
    return [...fx, startTimer('D', TIMER_D_UNRELIABLE)];
  }

  /**
   * Proceeding: Timers A/B no longer apply; a late transport error still reaches the TU. After a
   * CANCEL, no final response within 64*T1 means the INVITE is considered cancelled and the
   * transaction is destroyed (RFC 3261 §9.1): the TU hears a timeout, as for Timer B.
   */
  private onProceeding(event: ClientEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'response':
        return this.onResponse(event.status, event.message);
      case 'transportError': {
        const fx: Effect<M>[] = [toTu({ type: 'transportError', error: event.error })];
        if (this.cancelArmed) fx.push(stopTimer('CANCEL'));
        return this.terminate(fx);
      }
      case 'cancelSent':
        if (this.cancelArmed) return [];
        this.cancelArmed = true;
        return [startTimer('CANCEL', 64 * this.ctx.timers.t1)];
      case 'timer':
        return event.timer === 'CANCEL' && this.cancelArmed
          ? this.terminate([toTu({ type: 'timeout', timer: 'CANCEL' })])
          : [];
    }
  }

  private onCompleted(event: ClientEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'cancelSent':
        return [];
      case 'response':
        // A retransmitted final response is answered with the same ACK and not passed up (§17.1.1.2).
        return event.status >= 300 && this.ack !== undefined ? [send(this.ack)] : [];
      case 'timer':
        return event.timer === 'D' ? this.terminate([]) : [];
      case 'transportError':
        return this.terminate([toTu({ type: 'transportError', error: event.error }), stopTimer('D')]);
    }
  }

  private onAccepted(event: ClientEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'cancelSent':
        return [];
      case 'response':
        // RFC 6026 §8.4: 2xx retransmissions go to the TU (which re-sends its ACK); others are absorbed.
        return event.status >= 200 && event.status < 300
          ? [toTu({ type: 'response', message: event.message })]
          : [];
      case 'timer':
        return event.timer === 'M' ? this.terminate([]) : [];
      case 'transportError':
        return [toTu({ type: 'transportError', error: event.error })];
    }
  }

  private terminate(fx: Effect<M>[]): Effect<M>[] {
    this.current = 'terminated';
    return [...fx, terminated()];
  }
}
