import { type Clock, type TimerHandle } from '../clock.js';
import {
  type Effect,
  type TimerName,
  type TransactionMachine,
  type TransportErrorEvent,
  type TimerEvent,
  type TuNotification,
} from './effects.js';

/** Where a runner puts its effects: the wire, and the transaction user. */
export interface RunnerPorts<M> {
  /** Sends a message; a rejected promise or a throw becomes a transportError event. */
  send(message: M): Promise<void> | void;
  notify(notification: TuNotification<M>): void;
  onTerminated(): void;
  /** A send of a message this runner had already sent (a retransmission), before it goes out. */
  retransmitted?(message: M): void;
}

/**
 * Executes a machine's effects: timers on the injected Clock, sends on the transport, TU callbacks.
 * It holds no protocol logic; every decision stays inside the pure state machine.
 */
export class TransactionRunner<E, M, S extends string> {
  private readonly timers = new Map<TimerName, TimerHandle>();
  /** Messages sent so far: the machines re-send the very same message when they retransmit. */
  private readonly sent = new Set<M>();
  private done = false;

  constructor(
    readonly machine: TransactionMachine<E | TimerEvent | TransportErrorEvent, M, S>,
    private readonly clock: Clock,
    private readonly ports: RunnerPorts<M>,
  ) {}

  get state(): S {
    return this.machine.state;
  }

  get terminated(): boolean {
    return this.done;
  }

  start(): void {
    this.apply(this.machine.start());
  }

  dispatch(event: E | TimerEvent | TransportErrorEvent): void {
    if (this.done) return;
    this.apply(this.machine.handle(event));
  }

  private apply(effects: Effect<M>[]): void {
    const syncErrors: Error[] = [];
    for (const fx of effects) {
      if (this.done) break;
      switch (fx.type) {
        case 'send': {
          const err = this.send(fx.message);
          if (err) syncErrors.push(err);
          break;
        }
        case 'startTimer':
          this.timers.get(fx.timer)?.cancel();
          this.timers.set(
            fx.timer,
            this.clock.schedule(fx.ms, () => {
              this.timers.delete(fx.timer);
              this.dispatch({ type: 'timer', timer: fx.timer });
            }),
          );
          break;
        case 'stopTimer':
          this.timers.get(fx.timer)?.cancel();
          this.timers.delete(fx.timer);
          break;
        case 'tu':
          this.ports.notify(fx.notification);
          break;
        case 'terminated':
          this.finish();
          break;
      }
    }
    // A synchronous send failure is reported after the step so effects never interleave.
    for (const error of syncErrors) this.dispatch({ type: 'transportError', error });
  }

  private send(message: M): Error | undefined {
    if (this.sent.has(message)) this.ports.retransmitted?.(message);
    else this.sent.add(message);
    try {
      const pending = this.ports.send(message);
      if (pending)
        pending.catch((err: unknown) => this.dispatch({ type: 'transportError', error: toError(err) }));
      return undefined;
    } catch (err) {
      return toError(err);
    }
  }

  private finish(): void {
    if (this.done) return;
    this.done = true;
    for (const t of this.timers.values()) t.cancel();
    this.timers.clear();
    this.sent.clear();
    this.ports.onTerminated();
  }
}

function toError(err: unknown): Error {
  return err instanceof Error ? err : new Error(String(err));
}
