import {
  type Effect,
  type ServerEvent,
  type TransactionMachine,
  send,
  startTimer,
  stopTimer,
  terminated,
  toTu,
} from './effects.js';
import { type TransactionContext } from './timer-config.js';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/**
 * INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026 §7.1 "Accepted" (Timer L):
 * the transaction absorbs INVITE retransmissions after a 2xx and hands the 2xx's ACK to the TU.
 */
export class InviteServerTransaction<M> implements TransactionMachine<ServerEvent<M>, M, InviteServerState> {
  private current: InviteServerState = 'proceeding';
  private lastResponse: M | undefined;
  private intervalG: number;

  /** `trying` is the 100 response sent at once (§17.2.1); pass undefined if the TU answers itself. */
  constructor(
    private readonly ctx: TransactionContext,
    private readonly trying: M | undefined,
  ) {
    this.intervalG = ctx.timers.t1;
  }

  get state(): InviteServerState {
    return this.current;
  }

  start(): Effect<M>[] {
    if (this.trying === undefined) return [];
    this.lastResponse = this.trying;
    return [send(this.trying)];
  }

  handle(event: ServerEvent<M>): Effect<M>[] {
    switch (this.current) {
      case 'proceeding':
        return this.onProceeding(event);
      case 'completed':
        return this.onCompleted(event);
      case 'confirmed':
        // Absorb late ACKs/INVITEs; Timer I ends the transaction (§17.2.1).
        return event.type === 'timer' && event.timer === 'I' ? this.terminate([]) : [];
      case 'accepted':
        return this.onAccepted(event);
      case 'terminated':
        return [];
    }
  }

  private onProceeding(event: ServerEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'request':
        // An INVITE retransmission gets the most recent provisional response again.
        return !event.isAck && this.lastResponse !== undefined ? [send(this.lastResponse)] : [];
      case 'respond':
        return this.onRespond(event.status, event.message);
      case 'timer':
        return [];
      case 'transportError':
        return this.terminate([toTu({ type: 'transportError', error: event.error })]);
    }
  }

  private onRespond(status: number, message: M): Effect<M>[] {
    this.lastResponse = message;
    if (status < 200) return [send(message)];
    if (status < 300) {
      this.current = 'accepted';
      return [send(message), startTimer('L', 64 * this.ctx.timers.t1)];
    }
    this.current = 'completed';
    const fx: Effect<M>[] = [send(message)];
    if (!this.ctx.reliable) fx.push(startTimer('G', this.intervalG));
    fx.push(startTimer('H', 64 * this.ctx.timers.t1));
    return fx;
  }

  private onCompleted(event: ServerEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'request':
        if (!event.isAck) return this.lastResponse !== undefined ? [send(this.lastResponse)] : [];
        this.current = 'confirmed';
        if (this.ctx.reliable) return this.terminate([stopTimer('G'), stopTimer('H')]);
        return [stopTimer('G'), stopTimer('H'), startTimer('I', this.ctx.timers.t4)];
      case 'respond':
        return [];
      case 'timer':
        if (event.timer === 'G' && !this.ctx.reliable && this.lastResponse !== undefined) {
          this.intervalG = Math.min(2 * this.intervalG, this.ctx.timers.t2);
          return [send(this.lastResponse), startTimer('G', this.intervalG)];
        }
        if (event.timer === 'H')
          return this.terminate([toTu({ type: 'timeout', timer: 'H' }), stopTimer('G')]);
        return [];
      case 'transportError':
        return this.terminate([
          toTu({ type: 'transportError', error: event.error }),
          stopTimer('G'),
          stopTimer('H'),
        ]);
    }
  }

  private onAccepted(event: ServerEvent<M>): Effect<M>[] {
    switch (event.type) {
      case 'request':
        // RFC 6026 §7.1: INVITE retransmissions are absorbed, ACKs go to the TU.
        return event.isAck ? [toTu({ type: 'request', message: event.message })] : [];
      case 'respond':
        // Only the TU retransmits 2xx (it owns the dialog); non-2xx are not allowed any more.
        if (event.status >= 200 && event.status < 300) {
          this.lastResponse = event.message;
          return [send(event.message)];
        }
        return [];
      case 'timer':
        return event.timer === 'L' ? this.terminate([]) : [];
      case 'transportError':
        return [toTu({ type: 'transportError', error: event.error })];
    }
  }

  private terminate(fx: Effect<M>[]): Effect<M>[] {
    this.current = 'terminated';
    return [...fx, terminated()];
  }
}
