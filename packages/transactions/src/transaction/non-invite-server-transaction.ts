import {
  type Effect,
  type ServerEvent,
  type TransactionMachine,
  send,
  startTimer,
  terminated,
  toTu,
} from './effects.js';
import { type TransactionContext } from './timer-config.js';

export type NonInviteServerState = 'trying' | 'proceeding' | 'completed' | 'terminated';

/** Non-INVITE server transaction, RFC 3261 §17.2.2 (Timer J). */
export class NonInviteServerTransaction<M> implements TransactionMachine<
  ServerEvent<M>,
  M,
  NonInviteServerState
> {
  private current: NonInviteServerState = 'trying';
  private lastResponse: M | undefined;

  constructor(private readonly ctx: TransactionContext) {}

  get state(): NonInviteServerState {
    return this.current;
  }

  start(): Effect<M>[] {
    return [];
  }

  handle(event: ServerEvent<M>): Effect<M>[] {
    if (this.current === 'terminated') return [];
    switch (event.type) {
      case 'request':
        // Trying absorbs retransmissions; later states repeat the last response (§17.2.2).
        return this.lastResponse !== undefined && !event.isAck ? [send(this.lastResponse)] : [];
      case 'respond':
        return this.onRespond(event.status, event.message);
      case 'timer':
        return this.current === 'completed' && event.timer === 'J' ? this.terminate([]) : [];
      case 'transportError':
        return this.terminate([toTu({ type: 'transportError', error: event.error })]);
    }
  }

  private onRespond(status: number, message: M): Effect<M>[] {
    if (this.current === 'completed') return [];
    this.lastResponse = message;
    if (status < 200) {
      this.current = 'proceeding';
      return [send(message)];
    }
    this.current = 'completed';
    // Timer J: 64*T1 on unreliable transports, zero on reliable ones.
    if (this.ctx.reliable) return this.terminate([send(message)]);
    return [send(message), startTimer('J', 64 * this.ctx.timers.t1)];
  }

  private terminate(fx: Effect<M>[]): Effect<M>[] {
    this.current = 'terminated';
    return [...fx, terminated()];
  }
}
