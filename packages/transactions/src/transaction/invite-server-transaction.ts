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
import { type TryingResponse } from './trying.js';

export type InviteServerState = 'proceeding' | 'completed' | 'confirmed' | 'accepted' | 'terminated';

/**
 * INVITE server transaction, RFC 3261 §17.2.1 with RFC 6026 §7.1 "Accepted" (Timer L):
 * the transaction absorbs INVITE retransmissions after a 2xx and hands the 2xx's ACK to the TU.
 * Its own 100 (Trying) goes out at once or, deferred, on Timer TRYING only if the TU is still silent.
 */
export class InviteServerTransaction<M> implements TransactionMachine<ServerEvent<M>, M, InviteServerState> {
  private current: InviteServerState = 'proceeding';
  private lastResponse: M | undefined;
  private intervalG: number;
  /** The deferred 100 (Trying) still waits on its timer: nothing has been sent yet. */
  private tryingArmed = false;

  /** `trying`: the 100 this transaction sends on its own (§17.2.1); undefined if the TU answers itself. */
  constructor(
    private readonly ctx: TransactionContext,
    private readonly trying: TryingResponse<M> | undefined,
  ) {
    this.intervalG = ctx.timers.t1;
  }

  get state(): InviteServerState {
    return this.current;
  }

  start(): Effect<M>[] {
    if (this.trying === undefined) return [];
    if (this.trying.afterMs <= 0) return this.sendTrying();
    // §17.2.1: no 100 needed if the TU answers within 200 ms; the timer sends it if it does not.
    this.tryingArmed = true;
    return [startTimer('TRYING', this.trying.afterMs)];
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
        if (event.isAck) return [];
        // An INVITE retransmission gets the most recent provisional response again (§17.2.1); before
        // the TU said anything, the deferred 100 goes at once: the caller must hear something back.
        if (this.lastResponse !== undefined) return [send(this.lastResponse)];
        return this.tryingArmed ? [...this.disarmTrying(), ...this.sendTrying()] : [];
      case 'respond':
        return this.onRespond(event.status, event.message);
      case 'timer':
        if (event.timer !== 'TRYING' || !this.tryingArmed) return [];
        this.tryingArmed = false;
        return this.sendTrying();
      case 'transportError':
        return this.terminate([...this.disarmTrying(), toTu({ type: 'transportError', error: event.error })]);
    }
  }

  /** Sends the transaction's own 100 (Trying) and keeps it as the response to repeat (§17.2.1). */
  private sendTrying(): Effect<M>[] {
    if (this.trying === undefined) return [];
    const trying = this.trying.build();
    this.lastResponse = trying;
    return [send(trying)];
  }

  /** The TU answered (or the transaction ends) before the deferred 100 was due: it is never sent. */
  private disarmTrying(): Effect<M>[] {
    if (!this.tryingArmed) return [];
    this.tryingArmed = false;
    return [stopTimer('TRYING')];
  }

  private onRespond(status: number, message: M): Effect<M>[] {
    const fx = this.disarmTrying();
    this.lastResponse = message;
    fx.push(send(message));
    if (status < 200) return fx;
    if (status < 300) {
      this.current = 'accepted';
      fx.push(startTimer('L', 64 * this.ctx.timers.t1));
      return fx;
    }
    this.current = 'completed';
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
