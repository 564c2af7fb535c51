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
import { type TransactionContext } from './timer-config.js';

export type NonInviteClientState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Non-INVITE client transaction, RFC 3261 §17.1.2 (Timers E, F, K). */
export class NonInviteClientTransaction<M> implements TransactionMachine<
  ClientEvent<M>,
  M,
  NonInviteClientState
> {
  private current: NonInviteClientState = 'trying';
  private intervalE: number;

  constructor(
    private readonly request: M,
    private readonly ctx: TransactionContext,
  ) {
    this.intervalE = ctx.timers.t1;
  }

  get state(): NonInviteClientState {
    return this.current;
  }

  start(): Effect<M>[] {
    const fx: Effect<M>[] = [send(this.request)];
    if (!this.ctx.reliable) fx.push(startTimer('E', this.intervalE));
    fx.push(startTimer('F', 64 * this.ctx.timers.t1));
    return fx;
  }

  handle(event: ClientEvent<M>): Effect<M>[] {
    if (this.current === 'terminated') return [];
    if (this.current === 'completed') {
      // Completed only buffers response retransmissions until Timer K fires (§17.1.2.2).
      return event.type === 'timer' && event.timer === 'K' ? this.terminate([]) : [];
    }
    switch (event.type) {
      case 'response':
        return this.onResponse(event.status, event.message);
      case 'timer':
        return this.onTimer(event.timer);
      case 'transportError':
        return this.terminate([
          toTu({ type: 'transportError', error: event.error }),
          stopTimer('E'),
          stopTimer('F'),
        ]);
      case 'cancelSent':
        return []; // only an INVITE is cancelled (§9.1)
    }
  }

  private onResponse(status: number, message: M): Effect<M>[] {
    if (status < 200) {
      this.current = 'proceeding';
      return [toTu({ type: 'response', message })];
    }
    this.current = 'completed';
    const fx: Effect<M>[] = [stopTimer('E'), stopTimer('F'), toTu({ type: 'response', message })];
    // Timer K: T4 on unreliable transports, zero on reliable ones.
    if (this.ctx.reliable) return this.terminate(fx);
    return [...fx, startTimer('K', this.ctx.timers.t4)];
  }

  private onTimer(timer: string): Effect<M>[] {
    if (timer === 'F') return this.terminate([toTu({ type: 'timeout', timer: 'F' }), stopTimer('E')]);
    // Timer E is never armed on reliable transports; a stray one is ignored.
    if (timer !== 'E' || this.ctx.reliable) return [];
    // Trying: double up to T2; Proceeding: always T2 (§17.1.2.2).
    this.intervalE =
      this.current === 'trying' ? Math.min(2 * this.intervalE, this.ctx.timers.t2) : this.ctx.timers.t2;
    return [send(this.request), startTimer('E', this.intervalE)];
  }

  private terminate(fx: Effect<M>[]): Effect<M>[] {
    this.current = 'terminated';
    return [...fx, terminated()];
  }
}
