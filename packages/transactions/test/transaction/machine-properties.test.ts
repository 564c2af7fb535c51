import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type ClientEvent,
  type Effect,
  InviteClientTransaction,
  InviteServerTransaction,
  NonInviteClientTransaction,
  NonInviteServerTransaction,
  type ServerEvent,
  type TimerName,
  type TransactionContext,
} from '../../src/index.js';
import { type Msg } from './helpers.js';

const TIMERS: TimerName[] = ['A', 'B', 'D', 'E', 'F', 'K', 'G', 'H', 'I', 'J', 'L', 'M', 'CANCEL', 'TRYING'];
const ctxArb = fc
  .boolean()
  .map((reliable): TransactionContext => ({ reliable, timers: { t1: 500, t2: 4000, t4: 5000 } }));

const clientEvent: fc.Arbitrary<ClientEvent<Msg>> = fc.oneof(
  fc
    .integer({ min: 100, max: 699 })
    .map((status) => ({ type: 'response' as const, status, message: String(status) })),
  fc.constantFrom(...TIMERS).map((timer) => ({ type: 'timer' as const, timer })),
  fc.constant({ type: 'transportError' as const, error: new Error('x') }),
  fc.constant({ type: 'cancelSent' as const }),
);
const serverEvent: fc.Arbitrary<ServerEvent<Msg>> = fc.oneof(
  fc.boolean().map((isAck) => ({ type: 'request' as const, isAck, message: isAck ? 'ACK' : 'REQ' })),
  fc
    .integer({ min: 100, max: 699 })
    .map((status) => ({ type: 'respond' as const, status, message: String(status) })),
  fc.constantFrom(...TIMERS).map((timer) => ({ type: 'timer' as const, timer })),
  fc.constant({ type: 'transportError' as const, error: new Error('x') }),
);

interface Machine<E> {
  readonly state: string;
  start(): Effect<Msg>[];
  handle(e: E): Effect<Msg>[];
}

/** Invariants every machine keeps whatever the event order. */
function check<E>(tx: Machine<E>, events: E[], reliable: boolean): Effect<Msg>[] {
  const all = [...tx.start()];
  let ended = false;
  for (const e of events) {
    const fx = tx.handle(e);
    if (ended) expect(fx).toEqual([]);
    all.push(...fx);
    if (fx.some((f) => f.type === 'terminated')) {
      ended = true;
      expect(tx.state).toBe('terminated');
      // 'terminated' is always the last effect of its step.
      expect(fx.at(-1)?.type).toBe('terminated');
    }
  }
  expect(all.filter((f) => f.type === 'terminated').length).toBeLessThanOrEqual(1);
  // Reliable transports never arm retransmission timers.
  if (reliable) expect(all.some((f) => f.type === 'startTimer' && 'AEG'.includes(f.timer))).toBe(false);
  // Every timer interval is positive and bounded by 64*T1 (32 s) or Timer D (32 s).
  for (const f of all) if (f.type === 'startTimer') expect(f.ms > 0 && f.ms <= 32_000).toBe(true);
  return all;
}

describe('state machine invariants under random event sequences', () => {
  it('INVITE client: at most one final non-2xx reaches the TU', () => {
    fc.assert(
      fc.property(ctxArb, fc.array(clientEvent, { maxLength: 30 }), (ctx, events) => {
        const all = check(
          new InviteClientTransaction<Msg>('INVITE', ctx, (r) => `ACK/${r}`),
          events,
          ctx.reliable,
        );
        const finals = all.filter(
          (f) =>
            f.type === 'tu' && f.notification.type === 'response' && Number(f.notification.message) >= 300,
        );
        expect(finals.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('non-INVITE client: at most one final response reaches the TU', () => {
    fc.assert(
      fc.property(ctxArb, fc.array(clientEvent, { maxLength: 30 }), (ctx, events) => {
        const all = check(new NonInviteClientTransaction<Msg>('OPTIONS', ctx), events, ctx.reliable);
        const finals = all.filter(
          (f) =>
            f.type === 'tu' && f.notification.type === 'response' && Number(f.notification.message) >= 200,
        );
        expect(finals.length).toBeLessThanOrEqual(1);
      }),
    );
  });

  it('INVITE server: never sends a response the TU did not give (besides 100), one final kind only', () => {
    fc.assert(
      fc.property(
        ctxArb,
        fc.constantFrom(0, 200),
        fc.array(serverEvent, { maxLength: 30 }),
        (ctx, afterMs, events) => {
          // The transaction's own 100 is 'own-100', told apart from a 100 the TU may send itself.
          const tx = new InviteServerTransaction<Msg>(ctx, { build: () => 'own-100', afterMs });
          const all = check(tx, events, ctx.reliable);
          const sends = all.flatMap((f) => (f.type === 'send' ? [f.message] : []));
          const sentFinals = new Set(sends.filter((m) => Number(m) >= 300));
          expect(sentFinals.size).toBeLessThanOrEqual(1);
          // §17.2.1: once the TU has answered, the transaction's own 100 never goes out.
          const firstTu = sends.findIndex((m) => m !== 'own-100');
          if (firstTu >= 0) expect(sends.slice(firstTu)).not.toContain('own-100');
        },
      ),
    );
  });

  it('non-INVITE server: sends at most one distinct final response', () => {
    fc.assert(
      fc.property(ctxArb, fc.array(serverEvent, { maxLength: 30 }), (ctx, events) => {
        const all = check(new NonInviteServerTransaction<Msg>(ctx), events, ctx.reliable);
        const sentFinals = new Set(
          all.flatMap((f) => (f.type === 'send' && Number(f.message) >= 200 ? [f.message] : [])),
        );
        expect(sentFinals.size).toBeLessThanOrEqual(1);
      }),
    );
  });
});
