import type { TrunkRegistrationStatus } from '@switchboard/live-state';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import {
  type RegisterOutcome,
  type RegisterSender,
  TrunkRegistrationMachine,
} from '../src/trunks/trunk-registration-machine.js';

/** Records each REGISTER (its Expires) and lets the test answer it. */
class ScriptedSender implements RegisterSender {
  readonly sent: number[] = [];
  private pending: Array<(o: RegisterOutcome) => void> = [];

  send(expires: number, done: (o: RegisterOutcome) => void): void {
    this.sent.push(expires);
    this.pending.push(done);
  }

  answer(outcome: RegisterOutcome): void {
    const done = this.pending.shift();
    if (!done) throw new Error('no REGISTER in flight');
    done(outcome);
  }

  get inFlight(): number {
    return this.pending.length;
  }
}

function setup(expires = 600, random = 1) {
  const clock = new FakeClock();
  const sender = new ScriptedSender();
  const statuses: TrunkRegistrationStatus[] = [];
  const machine = new TrunkRegistrationMachine(
    { expires, refreshMarginSeconds: 60, backoffBaseSeconds: 30, backoffMaxSeconds: 1800 },
    sender,
    clock,
    (s) => statuses.push(s),
    () => 1_000_000 + clock.now(),
    () => random,
  );
  return { clock, sender, statuses, machine };
}

describe('TrunkRegistrationMachine', () => {
  it('registers, then refreshes the margin before the granted expiry (half of a short one)', () => {
    const { clock, sender, statuses, machine } = setup();
    machine.start();
    expect(sender.sent).toEqual([600]);
    expect(statuses.at(-1)).toEqual({ state: 'registering', failures: 0 });
    sender.answer({ kind: 'registered', expires: 300 }); // the registrar granted less
    expect(statuses.at(-1)).toMatchObject({
      state: 'registered',
      lastStatus: 200,
      registeredUntil: 1_300_000,
      expires: 300,
    });
    clock.advance(239_999);
    expect(sender.sent).toHaveLength(1);
    clock.advance(1); // 300 s − 60 s margin
    expect(sender.sent).toEqual([600, 600]);
    sender.answer({ kind: 'registered', expires: 20 });
    clock.advance(10_000); // max(20/2, 20 − 60)
    expect(sender.sent).toEqual([600, 600, 600]);
  });

  it('backs off exponentially after failures (RFC 5626 §4.5), keeping the last response, then recovers', () => {
    const { clock, sender, statuses, machine } = setup();
    machine.start();
    sender.answer({ kind: 'rejected', status: 403, reason: 'Forbidden' });
    expect(machine.current).toBe('waiting');
    expect(statuses.at(-1)).toEqual({
      state: 'failing',
      failures: 1,
      lastStatus: 403,
      lastReason: 'Forbidden',
      lastResponseAt: 1_000_000,
      nextAttemptAt: 1_030_000,
    });
    clock.advance(30_000);
    expect(sender.sent).toHaveLength(2);
    sender.answer({ kind: 'no-answer', reason: 'timeout' });
    expect(statuses.at(-1)).toMatchObject({
      state: 'failing',
      failures: 2,
      lastReason: 'timeout',
      nextAttemptAt: 1_030_000 + 60_000,
    });
    expect(statuses.at(-1)).not.toHaveProperty('lastStatus');
    clock.advance(59_999);
    expect(sender.sent).toHaveLength(2);
    clock.advance(1);
    sender.answer({ kind: 'rejected', status: 503, reason: 'Service Unavailable', retryAfter: 500 });
    expect(statuses.at(-1)).toMatchObject({ failures: 3, nextAttemptAt: 1_090_000 + 500_000 }); // Retry-After > 120 s
    clock.advance(500_000);
    sender.answer({ kind: 'registered', expires: 600 });
    expect(statuses.at(-1)).toMatchObject({ state: 'registered', failures: 0 });
  });

  it('caps the back-off and randomises it to 50–100 % of the cap', () => {
    const { clock, sender, statuses, machine } = setup(600, 0);
    machine.start();
    for (let i = 0; i < 10; i++) {
      sender.answer({ kind: 'rejected', status: 500, reason: 'Server Error' });
      clock.advance(1_800_000);
    }
    const last = statuses.at(-1);
    expect(last?.state).toBe('failing');
    // random 0 → half of min(1800, 30·2^9) = 900 s
    expect((last?.nextAttemptAt ?? 0) - (last?.lastResponseAt ?? 0)).toBe(900_000);
  });

  it('retries at once with Min-Expires after 423 Interval Too Brief (RFC 3261 §10.2.8), once', () => {
    const { sender, statuses, machine } = setup(30);
    machine.start();
    sender.answer({ kind: 'interval-too-brief', minExpires: 120, reason: 'Interval Too Brief' });
    expect(sender.sent).toEqual([30, 120]);
    sender.answer({ kind: 'interval-too-brief', minExpires: 120, reason: 'Interval Too Brief' });
    expect(statuses.at(-1)).toMatchObject({ state: 'failing', lastStatus: 423 });
  });

  it('unregisters (Expires: 0) on stop when registered, and ignores the late answer of an abandoned REGISTER', async () => {
    const { clock, sender, statuses, machine } = setup();
    machine.start();
    sender.answer({ kind: 'registered', expires: 600 });
    clock.advance(540_000); // refresh in flight
    const stopped = machine.stop();
    expect(sender.sent).toEqual([600, 600, 0]);
    sender.answer({ kind: 'registered', expires: 600 }); // the refresh's answer: stale
    expect(machine.current).toBe('unregistering');
    sender.answer({ kind: 'registered', expires: 0 });
    await stopped;
    expect(machine.current).toBe('stopped');
    expect(statuses.at(-1)).toEqual({ state: 'disabled', failures: 0 });
    expect(clock.pending()).toBe(0);
  });

  it('stops without a REGISTER when the registrar refused us (no binding to remove)', async () => {
    const { clock, sender, machine } = setup();
    machine.start();
    sender.answer({ kind: 'rejected', status: 403, reason: 'Forbidden' });
    await machine.stop();
    expect(sender.sent).toEqual([600]);
    expect(sender.inFlight).toBe(0);
    expect(clock.pending()).toBe(0);
  });
});
