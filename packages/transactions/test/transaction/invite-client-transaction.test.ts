import { describe, expect, it } from 'vitest';
import { type ClientEvent, InviteClientTransaction, type TransactionContext } from '../../src/index.js';
import { type Msg, type Row, fmt, res, timer, transportError } from './helpers.js';

const UDP: TransactionContext = { reliable: false, timers: { t1: 500, t2: 4000, t4: 5000 } };
const TCP: TransactionContext = { ...UDP, reliable: true };

const reach: Record<string, ClientEvent<Msg>[]> = {
  calling: [],
  proceeding: [res(180)],
  completed: [res(486)],
  accepted: [res(200)],
  terminated: [timer('B')],
};

function make(ctx: TransactionContext, state: string): InviteClientTransaction<Msg> {
  const tx = new InviteClientTransaction<Msg>('INVITE', ctx, (r) => `ACK/${r}`);
  tx.start();
  for (const ev of reach[state] ?? []) tx.handle(ev);
  expect(tx.state).toBe(state);
  return tx;
}

const events: Record<string, ClientEvent<Msg>> = {
  '1xx': res(180),
  '2xx': res(200),
  '3xx-6xx': res(486),
  'timer A': timer('A'),
  'timer B': timer('B'),
  'timer D': timer('D'),
  'timer M': timer('M'),
  'transport error': transportError(),
};

// Every state x event over an unreliable transport (RFC 3261 §17.1.1.2, RFC 6026 §8.4).
const expected: Record<string, Record<string, [string, string[]]>> = {
  calling: {
    '1xx': ['proceeding', ['stop:A', 'stop:B', 'tu:response:180']],
    '2xx': ['accepted', ['stop:A', 'stop:B', 'tu:response:200', 'start:M:32000']],
    '3xx-6xx': ['completed', ['stop:A', 'stop:B', 'send:ACK/486', 'tu:response:486', 'start:D:32000']],
    'timer A': ['calling', ['send:INVITE', 'start:A:1000']],
    'timer B': ['terminated', ['tu:timeout:B', 'stop:A', 'terminated']],
    'timer D': ['calling', []],
    'timer M': ['calling', []],
    'transport error': ['terminated', ['tu:transportError', 'stop:A', 'stop:B', 'terminated']],
  },
  proceeding: {
    '1xx': ['proceeding', ['tu:response:180']],
    '2xx': ['accepted', ['tu:response:200', 'start:M:32000']],
    '3xx-6xx': ['completed', ['send:ACK/486', 'tu:response:486', 'start:D:32000']],
    'timer A': ['proceeding', []],
    'timer B': ['proceeding', []],
    'timer D': ['proceeding', []],
    'timer M': ['proceeding', []],
    'transport error': ['terminated', ['tu:transportError', 'terminated']],
  },
  completed: {
    '1xx': ['completed', []],
    '2xx': ['completed', []],
    '3xx-6xx': ['completed', ['send:ACK/486']],
    'timer A': ['completed', []],
    'timer B': ['completed', []],
    'timer D': ['terminated', ['terminated']],
    'timer M': ['completed', []],
    'transport error': ['terminated', ['tu:transportError', 'stop:D', 'terminated']],
  },
  accepted: {
    '1xx': ['accepted', []],
    '2xx': ['accepted', ['tu:response:200']],
    '3xx-6xx': ['accepted', []],
    'timer A': ['accepted', []],
    'timer B': ['accepted', []],
    'timer D': ['accepted', []],
    'timer M': ['terminated', ['terminated']],
    'transport error': ['accepted', ['tu:transportError']],
  },
  terminated: Object.fromEntries(Object.keys(events).map((e) => [e, ['terminated', []]])),
};

const rows: Row<ClientEvent<Msg>>[] = Object.entries(expected).flatMap(([from, byEvent]) =>
  Object.entries(byEvent).map(([event, [to, fx]]) => ({ from, event, ev: events[event] ?? res(0), to, fx })),
);

describe('INVITE client transaction (unreliable transport)', () => {
  it('starts by sending the INVITE with Timers A (T1) and B (64*T1)', () => {
    const tx = new InviteClientTransaction<Msg>('INVITE', UDP, (r) => `ACK/${r}`);
    expect(fmt(tx.start())).toEqual(['send:INVITE', 'start:A:500', 'start:B:32000']);
    expect(tx.state).toBe('calling');
  });

  it.each(rows)('$from + $event -> $to', ({ from, ev, to, fx }) => {
    const tx = make(UDP, from);
    expect(fmt(tx.handle(ev))).toEqual(fx);
    expect(tx.state).toBe(to);
  });

  it('after a CANCEL while proceeding: gives up 64*T1 later without a final response (§9.1)', () => {
    const cancelSent: ClientEvent<Msg> = { type: 'cancelSent' };
    const tx = make(UDP, 'proceeding');
    expect(fmt(tx.handle(cancelSent))).toEqual(['start:CANCEL:32000']);
    expect(fmt(tx.handle(cancelSent))).toEqual([]); // a second CANCEL does not re-arm it
    expect(fmt(tx.handle(timer('CANCEL')))).toEqual(['tu:timeout:CANCEL', 'terminated']);
    expect(tx.state).toBe('terminated');
    // A final response in time stops it; in calling, Timer B already covers the CANCEL.
    const answered = make(UDP, 'proceeding');
    answered.handle(cancelSent);
    expect(fmt(answered.handle(res(487)))).toEqual([
      'stop:CANCEL',
      'send:ACK/487',
      'tu:response:487',
      'start:D:32000',
    ]);
    expect(fmt(answered.handle(timer('CANCEL')))).toEqual([]);
    expect(fmt(make(UDP, 'calling').handle(cancelSent))).toEqual([]);
    expect(fmt(make(UDP, 'proceeding').handle(timer('CANCEL')))).toEqual([]);
  });

  it('doubles Timer A without a T2 cap', () => {
    const tx = make(UDP, 'calling');
    const intervals = [1, 2, 3, 4, 5].map(() => fmt(tx.handle(timer('A')))[1]);
    expect(intervals).toEqual([
      'start:A:1000',
      'start:A:2000',
      'start:A:4000',
      'start:A:8000',
      'start:A:16000',
    ]);
  });
});

describe('INVITE client transaction (reliable transport)', () => {
  it('does not start Timer A', () => {
    const tx = new InviteClientTransaction<Msg>('INVITE', TCP, (r) => `ACK/${r}`);
    expect(fmt(tx.start())).toEqual(['send:INVITE', 'start:B:32000']);
  });

  it('terminates at once after a non-2xx final (Timer D = 0)', () => {
    const tx = make(TCP, 'calling');
    expect(fmt(tx.handle(res(603)))).toEqual([
      'stop:A',
      'stop:B',
      'send:ACK/603',
      'tu:response:603',
      'terminated',
    ]);
    expect(tx.state).toBe('terminated');
  });

  it('still enters Accepted on 2xx so retransmitted 2xx reach the TU', () => {
    const tx = make(TCP, 'proceeding');
    expect(fmt(tx.handle(res(200)))).toEqual(['tu:response:200', 'start:M:32000']);
  });
});
