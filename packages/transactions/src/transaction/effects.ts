/**
 * The vocabulary shared by the four §17 state machines: events in, effects out.
 * Machines are generic over the message type M so they never parse or build bytes themselves.
 */
/**
 * RFC 3261 §17 timers, RFC 6026's M, `CANCEL`: 64*T1 after a CANCEL of an INVITE that got a
 * provisional response, the INVITE client transaction is given up (§9.1), and `TRYING`: the INVITE
 * server transaction's deferred 100 (Trying), sent only if the TU has not answered within 200 ms (§17.2.1).
 */
export type TimerName =
  'A' | 'B' | 'D' | 'E' | 'F' | 'K' | 'G' | 'H' | 'I' | 'J' | 'L' | 'M' | 'CANCEL' | 'TRYING';

/** What the transaction tells its transaction user (TU). */
export type TuNotification<M> =
  | { readonly type: 'response'; readonly message: M }
  | { readonly type: 'request'; readonly message: M }
  | { readonly type: 'timeout'; readonly timer: TimerName }
  | { readonly type: 'transportError'; readonly error: Error };

export type Effect<M> =
  | { readonly type: 'send'; readonly message: M }
  | { readonly type: 'startTimer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'stopTimer'; readonly timer: TimerName }
  | { readonly type: 'tu'; readonly notification: TuNotification<M> }
  | { readonly type: 'terminated' };

export interface TimerEvent {
  readonly type: 'timer';
  readonly timer: TimerName;
}

export interface TransportErrorEvent {
  readonly type: 'transportError';
  readonly error: Error;
}

/** Client side: a response arrived from the transport. */
export interface ResponseEvent<M> {
  readonly type: 'response';
  readonly status: number;
  readonly message: M;
}

/** Server side: a request matching the transaction arrived (a retransmission, or the ACK). */
export interface RequestEvent<M> {
  readonly type: 'request';
  readonly isAck: boolean;
  readonly message: M;
}

/** Server side: the TU hands the transaction a response to send. */
export interface RespondEvent<M> {
  readonly type: 'respond';
  readonly status: number;
  readonly message: M;
}

/** Client side, INVITE only: the TU sent a CANCEL for this transaction (§9.1). */
export interface CancelSentEvent {
  readonly type: 'cancelSent';
}

export type ClientEvent<M> = ResponseEvent<M> | TimerEvent | TransportErrorEvent | CancelSentEvent;
export type ServerEvent<M> = RequestEvent<M> | RespondEvent<M> | TimerEvent | TransportErrorEvent;

/** A §17 state machine: `start` emits the initial effects, `handle` one step per event. */
export interface TransactionMachine<E, M, S extends string = string> {
  readonly state: S;
  start(): Effect<M>[];
  handle(event: E): Effect<M>[];
}

export const send = <M>(message: M): Effect<M> => ({ type: 'send', message });
export const startTimer = <M>(timer: TimerName, ms: number): Effect<M> => ({ type: 'startTimer', timer, ms });
export const stopTimer = <M>(timer: TimerName): Effect<M> => ({ type: 'stopTimer', timer });
export const toTu = <M>(notification: TuNotification<M>): Effect<M> => ({ type: 'tu', notification });
export const terminated = <M>(): Effect<M> => ({ type: 'terminated' });
