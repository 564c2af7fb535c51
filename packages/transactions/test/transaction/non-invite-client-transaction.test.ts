import { describe, expect, it } from 'vitest';
import { type ClientEvent, NonInviteClientTransaction, type TransactionContext } from '../../src/index.js';
import { type Msg, type Row, fmt, res, timer, transportError } from './helpers.js';

const UDP: TransactionContext = { reliable: false, timers: { t1: 500, t2: 4000, t4: 5000 } };
const TCP: TransactionContext = { ...UDP, reliable: true };

const reach: Record<string, ClientEvent<Msg>[]> = {
  trying: [],
  proceeding: [res(100)],
  completed: [res(200)],
  terminated: [timer('F')],
};

function make(ctx: TransactionContext, state: string): NonInviteClientTransaction<Msg> {
  const tx = new NonInviteClientTransaction<Msg>('OPTIONS', ctx);
  tx.start();
  for (const ev of reach[state] ?? []) tx.handle(ev);
  expect(tx.state).toBe(state);
  return tx;
}

const events: Record<string, ClientEvent<Msg>> = {
  '1xx': res(180),
  '2xx': res(200),
  '3xx-6xx': res(404),
  'timer E': timer('E'),
  'timer F': timer('F'),
  'timer K': timer('K'),
  'transport error': transportError(),
};

// RFC 3261 §17.1.2.2, unreliable transport.
const expected: Record<string, Record<string, [string, string[]]>> = {
  trying: {
    '1xx': ['proceeding', ['tu:response:180']],
    '2xx': ['completed', ['stop:E', 'stop:F', 'tu:response:200', 'start:K:5000']],
    '3xx-6xx': ['completed', ['stop:E', 'stop:F', 'tu:response:404', 'start:K:5000']],
    'timer E': ['trying', ['send:OPTIONS', 'start:E:1000']],
    'timer F': ['terminated', ['tu:timeout:F', 'stop:E', 'terminated']],
    'timer K': ['trying', []],
    'transport error': ['terminated', ['tu:transportError', 'stop:E', 'stop:F', 'terminated']],
  },
  proceeding: {
    '1xx': ['proceeding', ['tu:response:180']],
    '2xx': ['completed', ['stop:E', 'stop:F', 'tu:response:200', 'start:K:5000']],
    '3xx-6xx': ['completed', ['stop:E', 'stop:F', 'tu:response:404', 'start:K:5000']],
    'timer E': ['proceeding', ['send:OPTIONS', 'start:E:4000']],
    'timer F': ['terminated', ['tu:timeout:F', 'stop:E', 'terminated']],
    'timer K': ['proceeding', []],
    'transport error': ['terminated', ['tu:transportError', 'stop:E', 'stop:F', 'terminated']],
  },
  completed: {
    '1xx': ['completed', []],
    '2xx': ['completed', []],
    '3xx-6xx': ['completed', []],
    'timer E': ['completed', []],
    'timer F': ['completed', []],
    'timer K': ['terminated', ['terminated']],
    'transport error': ['completed', []],
  },
  terminated: Object.fromEntries(Object.keys(events).map((e) => [e, ['terminated', []]])),
};

const rows: Row<ClientEvent<Msg>>[] = Object.entries(expected).flatMap(([from, byEvent]) =>
  Object.entries(byEvent).map(([event, [to, fx]]) => ({ from, event, ev: events[event] ?? res(0), to, fx })),
);

describe('non-INVITE client transaction (unreliable transport)', () => {
  it('starts by sending the request with Timers E (T1) and F (64*T1)', () => {
    const tx = new NonInviteClientTransaction<Msg>('OPTIONS', UDP);
    expect(fmt(tx.start())).toEqual(['send:OPTIONS', 'start:E:500', 'start:F:32000']);
  });

  it.each(rows)('$from + $event -> $to', ({ from, ev, to, fx }) => {
    const tx = make(UDP, from);
    expect(fmt(tx.handle(ev))).toEqual(fx);
    expect(tx.state).toBe(to);
  });

  it('caps Timer E at T2 while Trying', () => {
    const tx = make(UDP, 'trying');
    const intervals = [1, 2, 3, 4, 5].map(() => fmt(tx.handle(timer('E')))[1]);
    expect(intervals).toEqual([
      'start:E:1000',
      'start:E:2000',
      'start:E:4000',
      'start:E:4000',
      'start:E:4000',
    ]);
  });
});

describe('non-INVITE client transaction (reliable transport)', () => {
  it('has no Timer E and terminates at once on a final response (Timer K = 0)', () => {
    const tx = new NonInviteClientTransaction<Msg>('OPTIONS', TCP);
    expect(fmt(tx.start())).toEqual(['send:OPTIONS', 'start:F:32000']);
    expect(fmt(tx.handle(res(200)))).toEqual(['stop:E', 'stop:F', 'tu:response:200', 'terminated']);
    expect(tx.state).toBe('terminated');
  });
});
