import { describe, expect, it } from 'vitest';
import { NonInviteServerTransaction, type ServerEvent, type TransactionContext } from '../../src/index.js';
import { type Msg, type Row, fmt, req, respond, timer, transportError } from './helpers.js';

const UDP: TransactionContext = { reliable: false, timers: { t1: 500, t2: 4000, t4: 5000 } };
const TCP: TransactionContext = { ...UDP, reliable: true };

const reach: Record<string, ServerEvent<Msg>[]> = {
  trying: [],
  proceeding: [respond(100)],
  completed: [respond(200)],
  terminated: [respond(200), timer('J')],
};

function make(ctx: TransactionContext, state: string): NonInviteServerTransaction<Msg> {
  const tx = new NonInviteServerTransaction<Msg>(ctx);
  tx.start();
  for (const ev of reach[state] ?? []) tx.handle(ev);
  expect(tx.state).toBe(state);
  return tx;
}

const events: Record<string, ServerEvent<Msg>> = {
  retransmission: req(false),
  'TU 1xx': respond(180),
  'TU final': respond(404),
  'timer J': timer('J'),
  'transport error': transportError(),
};

// RFC 3261 §17.2.2, unreliable transport.
const expected: Record<string, Record<string, [string, string[]]>> = {
  trying: {
    retransmission: ['trying', []],
    'TU 1xx': ['proceeding', ['send:180']],
    'TU final': ['completed', ['send:404', 'start:J:32000']],
    'timer J': ['trying', []],
    'transport error': ['terminated', ['tu:transportError', 'terminated']],
  },
  proceeding: {
    retransmission: ['proceeding', ['send:100']],
    'TU 1xx': ['proceeding', ['send:180']],
    'TU final': ['completed', ['send:404', 'start:J:32000']],
    'timer J': ['proceeding', []],
    'transport error': ['terminated', ['tu:transportError', 'terminated']],
  },
  completed: {
    retransmission: ['completed', ['send:200']],
    'TU 1xx': ['completed', []],
    'TU final': ['completed', []],
    'timer J': ['terminated', ['terminated']],
    'transport error': ['terminated', ['tu:transportError', 'terminated']],
  },
  terminated: Object.fromEntries(Object.keys(events).map((e) => [e, ['terminated', []]])),
};

const rows: Row<ServerEvent<Msg>>[] = Object.entries(expected).flatMap(([from, byEvent]) =>
  Object.entries(byEvent).map(([event, [to, fx]]) => ({
    from,
    event,
    ev: events[event] ?? req(false),
    to,
    fx,
  })),
);

describe('non-INVITE server transaction (unreliable transport)', () => {
  it.each(rows)('$from + $event -> $to', ({ from, ev, to, fx }) => {
    const tx = make(UDP, from);
    expect(fmt(tx.handle(ev))).toEqual(fx);
    expect(tx.state).toBe(to);
  });
});

describe('non-INVITE server transaction (reliable transport)', () => {
  it('terminates as soon as the final response is sent (Timer J = 0)', () => {
    const tx = make(TCP, 'trying');
    expect(fmt(tx.handle(respond(200)))).toEqual(['send:200', 'terminated']);
    expect(tx.state).toBe('terminated');
  });
});
