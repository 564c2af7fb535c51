import { type ClientEvent, type Effect, type ServerEvent, type TimerName } from '../../src/index.js';

/** Messages in machine tests are plain strings such as 'INVITE', '180', 'ACK/486'. */
export type Msg = string;

export function fmt(effects: Effect<Msg>[]): string[] {
  return effects.map((fx) => {
    switch (fx.type) {
      case 'send':
        return `send:${fx.message}`;
      case 'startTimer':
        return `start:${fx.timer}:${fx.ms}`;
      case 'stopTimer':
        return `stop:${fx.timer}`;
      case 'terminated':
        return 'terminated';
      case 'tu': {
        const n = fx.notification;
        if (n.type === 'timeout') return `tu:timeout:${n.timer}`;
        if (n.type === 'transportError') return 'tu:transportError';
        return `tu:${n.type}:${n.message}`;
      }
    }
  });
}

export const res = (status: number): ClientEvent<Msg> => ({
  type: 'response',
  status,
  message: String(status),
});
export const timer = <T extends ClientEvent<Msg> | ServerEvent<Msg>>(name: TimerName): T =>
  ({ type: 'timer', timer: name }) as T;
export const transportError = <T extends ClientEvent<Msg> | ServerEvent<Msg>>(): T =>
  ({ type: 'transportError', error: new Error('boom') }) as T;
export const req = (isAck: boolean): ServerEvent<Msg> => ({
  type: 'request',
  isAck,
  message: isAck ? 'ACK' : 'REQ',
});
export const respond = (status: number): ServerEvent<Msg> => ({
  type: 'respond',
  status,
  message: String(status),
});

/** A row of a state x event table. */
export interface Row<E> {
  from: string;
  event: string;
  ev: E;
  to: string;
  fx: string[];
}
