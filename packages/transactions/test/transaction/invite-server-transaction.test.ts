import { describe, expect, it } from 'vitest';
import {
  InviteServerTransaction,
  type ServerEvent,
  type TransactionContext,
  type TryingResponse,
} from '../../src/index.js';
import { type Msg, type Row, fmt, req, respond, timer, transportError } from './helpers.js';

const UDP: TransactionContext = { reliable: false, timers: { t1: 500, t2: 4000, t4: 5000 } };
const TCP: TransactionContext = { ...UDP, reliable: true };
/** The 100 (Trying) at once, or deferred by §17.2.1's 200 ms. */
const AT_ONCE: TryingResponse<Msg> = { build: () => '100', afterMs: 0 };
const DEFERRED: TryingResponse<Msg> = { build: () => '100', afterMs: 200 };

const reach: Record<string, ServerEvent<Msg>[]> = {
  proceeding: [],
  completed: [respond(486)],
  confirmed: [respond(486), req(true)],
  accepted: [respond(200)],
  terminated: [respond(486), timer('H')],
};

function make(ctx: TransactionContext, state: string): InviteServerTransaction<Msg> {
  const tx = new InviteServerTransaction<Msg>(ctx, AT_ONCE);
  tx.start();
  for (const ev of reach[state] ?? []) tx.handle(ev);
  expect(tx.state).toBe(state);
  return tx;
}

const events: Record<string, ServerEvent<Msg>> = {
  'INVITE retransmission': req(false),
  ACK: req(true),
  'TU 1xx': respond(180),
  'TU 2xx': respond(200),
  'TU 3xx-6xx': respond(486),
  'timer G': timer('G'),
  'timer H': timer('H'),
  'timer I': timer('I'),
  'timer L': timer('L'),
  'timer TRYING': timer('TRYING'),
  'transport error': transportError(),
};

// RFC 3261 §17.2.1 + RFC 6026 §7.1, unreliable transport.
const expected: Record<string, Record<string, [string, string[]]>> = {
  proceeding: {
    'INVITE retransmission': ['proceeding', ['send:100']],
    ACK: ['proceeding', []],
    'TU 1xx': ['proceeding', ['send:180']],
    'TU 2xx': ['accepted', ['send:200', 'start:L:32000']],
    'TU 3xx-6xx': ['completed', ['send:486', 'start:G:500', 'start:H:32000']],
    'timer G': ['proceeding', []],
    'timer H': ['proceeding', []],
    'timer I': ['proceeding', []],
    'timer L': ['proceeding', []],
    'timer TRYING': ['proceeding', []],
    'transport error': ['terminated', ['tu:transportError', 'terminated']],
  },
  completed: {
    'INVITE retransmission': ['completed', ['send:486']],
    ACK: ['confirmed', ['stop:G', 'stop:H', 'start:I:5000']],
    'TU 1xx': ['completed', []],
    'TU 2xx': ['completed', []],
    'TU 3xx-6xx': ['completed', []],
    'timer G': ['completed', ['send:486', 'start:G:1000']],
    'timer H': ['terminated', ['tu:timeout:H', 'stop:G', 'terminated']],
    'timer I': ['completed', []],
    'timer L': ['completed', []],
    'timer TRYING': ['completed', []],
    'transport error': ['terminated', ['tu:transportError', 'stop:G', 'stop:H', 'terminated']],
  },
  confirmed: {
    'INVITE retransmission': ['confirmed', []],
    ACK: ['confirmed', []],
    'TU 1xx': ['confirmed', []],
    'TU 2xx': ['confirmed', []],
    'TU 3xx-6xx': ['confirmed', []],
    'timer G': ['confirmed', []],
    'timer H': ['confirmed', []],
    'timer I': ['terminated', ['terminated']],
    'timer L': ['confirmed', []],
    'timer TRYING': ['confirmed', []],
    'transport error': ['confirmed', []],
  },
  accepted: {
    'INVITE retransmission': ['accepted', []],
    ACK: ['accepted', ['tu:request:ACK']],
    'TU 1xx': ['accepted', []],
    'TU 2xx': ['accepted', ['send:200']],
    'TU 3xx-6xx': ['accepted', []],
    'timer G': ['accepted', []],
    'timer H': ['accepted', []],
    'timer I': ['accepted', []],
    'timer L': ['terminated', ['terminated']],
    'timer TRYING': ['accepted', []],
    'transport error': ['accepted', ['tu:transportError']],
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

describe('INVITE server transaction (unreliable transport)', () => {
  it('sends 100 Trying at once', () => {
    const tx = new InviteServerTransaction<Msg>(UDP, AT_ONCE);
    expect(fmt(tx.start())).toEqual(['send:100']);
    expect(tx.state).toBe('proceeding');
  });

  it('sends nothing at start when the TU answers itself', () => {
    const tx = new InviteServerTransaction<Msg>(UDP, undefined);
    expect(fmt(tx.start())).toEqual([]);
    expect(fmt(tx.handle(req(false)))).toEqual([]);
  });

  it.each(rows)('$from + $event -> $to', ({ from, ev, to, fx }) => {
    const tx = make(UDP, from);
    expect(fmt(tx.handle(ev))).toEqual(fx);
    expect(tx.state).toBe(to);
  });

  it('caps Timer G at T2', () => {
    const tx = make(UDP, 'completed');
    const intervals = [1, 2, 3, 4].map(() => fmt(tx.handle(timer('G')))[1]);
    expect(intervals).toEqual(['start:G:1000', 'start:G:2000', 'start:G:4000', 'start:G:4000']);
  });

  it('repeats the latest provisional response to a retransmitted INVITE', () => {
    const tx = make(UDP, 'proceeding');
    tx.handle(respond(183));
    expect(fmt(tx.handle(req(false)))).toEqual(['send:183']);
  });
});

// §17.2.1: the 100 (Trying) is owed only if the TU has not answered within 200 ms.
describe('INVITE server transaction, deferred 100 (Trying)', () => {
  const deferred = () => {
    const tx = new InviteServerTransaction<Msg>(UDP, DEFERRED);
    expect(fmt(tx.start())).toEqual(['start:TRYING:200']);
    return tx;
  };

  it('sends nothing at start, only arms Timer TRYING', () => {
    expect(deferred().state).toBe('proceeding');
  });

  it.each([
    ['a provisional', 180, 'proceeding', ['stop:TRYING', 'send:180']],
    ['a 2xx', 200, 'accepted', ['stop:TRYING', 'send:200', 'start:L:32000']],
    ['a non-2xx final', 486, 'completed', ['stop:TRYING', 'send:486', 'start:G:500', 'start:H:32000']],
  ])('the TU answering with %s first cancels the timer and no 100 is sent', (_what, status, to, fx) => {
    const tx = deferred();
    expect(fmt(tx.handle(respond(status)))).toEqual(fx);
    expect(tx.state).toBe(to);
    // A late timer event (already cancelled by the runner) changes nothing.
    expect(fmt(tx.handle(timer('TRYING')))).toEqual([]);
  });

  it('sends the 100 when Timer TRYING fires with the TU silent, and repeats it to retransmissions', () => {
    const tx = deferred();
    expect(fmt(tx.handle(timer('TRYING')))).toEqual(['send:100']);
    expect(fmt(tx.handle(req(false)))).toEqual(['send:100']);
    // The TU's own provisional answer then has no timer left to stop.
    expect(fmt(tx.handle(respond(180)))).toEqual(['send:180']);
    expect(fmt(tx.handle(req(false)))).toEqual(['send:180']);
  });

  it('answers an INVITE retransmission before anything was sent with the 100 at once (§17.2.1)', () => {
    const tx = deferred();
    expect(fmt(tx.handle(req(false)))).toEqual(['stop:TRYING', 'send:100']);
    expect(fmt(tx.handle(timer('TRYING')))).toEqual([]);
    expect(fmt(tx.handle(req(false)))).toEqual(['send:100']);
  });

  it('ignores an ACK while the 100 is pending', () => {
    const tx = deferred();
    expect(fmt(tx.handle(req(true)))).toEqual([]);
  });

  it('stops the timer when a transport error ends the transaction', () => {
    const tx = deferred();
    expect(fmt(tx.handle(transportError()))).toEqual(['stop:TRYING', 'tu:transportError', 'terminated']);
    expect(tx.state).toBe('terminated');
  });

  it('builds the 100 only when it is sent', () => {
    let built = 0;
    const tx = new InviteServerTransaction<Msg>(UDP, { build: () => `100#${++built}`, afterMs: 200 });
    tx.start();
    tx.handle(respond(200));
    expect(built).toBe(0);
  });
});

describe('INVITE server transaction (reliable transport)', () => {
  it('has no Timer G and Timer I is zero', () => {
    const tx = make(TCP, 'proceeding');
    expect(fmt(tx.handle(respond(486)))).toEqual(['send:486', 'start:H:32000']);
    expect(fmt(tx.handle(req(true)))).toEqual(['stop:G', 'stop:H', 'terminated']);
    expect(tx.state).toBe('terminated');
  });
});
