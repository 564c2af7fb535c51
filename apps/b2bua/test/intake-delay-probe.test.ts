import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { IntakeDelayProbe, PROBE_INTERVAL_MS, PROBE_LOST_MS } from '../src/security/intake-delay-probe.js';

const SOURCE = { host: '127.0.0.1', port: 40000 };
const PHONE = { host: '192.0.2.10', port: 5060 };
const INVITE = Buffer.from('INVITE sip:201@pbx.test SIP/2.0\r\n\r\n');

function probe() {
  const clock = new FakeClock();
  const sent: Buffer[] = [];
  const steps: number[] = [];
  const p = new IntakeDelayProbe({
    clock,
    send: (payload) => sent.push(payload),
    onDelay: (ms) => steps.push(ms),
  });
  p.start(SOURCE);
  return { p, clock, sent, steps };
}

describe('IntakeDelayProbe', () => {
  it('measures how long its datagram waited behind the receive queue, and takes only its own', () => {
    const { p, clock, sent, steps } = probe();
    expect(sent).toHaveLength(1); // the first probe at start
    clock.advance(12); // 12 ms in the socket's queue
    expect(p.take(INVITE, PHONE)).toBe(false); // SIP goes on to the stack
    expect(p.take(sent[0]!, SOURCE)).toBe(true);
    expect(p.delayMs).toBe(12);
    // The control step runs once per period with the current wait.
    clock.advance(38);
    expect(steps).toEqual([0, 12]);
  });

  it("counts an in-flight probe's age as the current wait before it comes back", () => {
    const { p, clock, sent } = probe();
    clock.advance(300);
    // Probes keep going out only once the one in flight returns (or is taken as lost).
    expect(sent).toHaveLength(1);
    expect(p.delayMs).toBe(300);
    p.take(sent[0]!, SOURCE);
    expect(p.delayMs).toBe(300);
  });

  it('ignores look-alikes: another source, another token, a stale sequence number', () => {
    const { p, clock, sent } = probe();
    const ours = sent[0]!;
    clock.advance(7);
    // The stack drops these as unparseable; they are never measured.
    expect(p.take(ours, { host: '127.0.0.1', port: 40001 })).toBe(false);
    const forged = Buffer.from(ours);
    forged[forged.length - 5] = (forged[forged.length - 5] ?? 0) ^ 0xff; // a token byte
    expect(p.take(forged, SOURCE)).toBe(false);
    expect(p.take(ours, SOURCE)).toBe(true);
    expect(p.delayMs).toBe(7);
    // Datagrams arrived, so the next tick sends the next probe; the old one replayed is consumed unmeasured.
    clock.advance(PROBE_INTERVAL_MS);
    expect(sent).toHaveLength(2);
    clock.advance(3);
    expect(p.take(ours, SOURCE)).toBe(true);
    expect(p.delayMs).toBe(10); // the second probe, in flight since t=50, is older than the first's 7 ms
  });

  it('sends nothing while the listener is idle, and reports no wait then', () => {
    const { p, clock, sent } = probe();
    clock.advance(5);
    p.take(sent[0]!, SOURCE);
    expect(p.delayMs).toBe(5);
    clock.advance(10 * PROBE_INTERVAL_MS); // nothing read: nothing queued
    expect(sent).toHaveLength(1);
    expect(p.delayMs).toBe(0);
    p.take(INVITE, PHONE); // traffic again: probed at the next tick
    clock.advance(PROBE_INTERVAL_MS);
    expect(sent).toHaveLength(2);
  });

  it('sends again after a probe is lost, still counting the wait since the first', () => {
    const { p, clock, sent } = probe();
    clock.advance(PROBE_LOST_MS);
    expect(sent).toHaveLength(2);
    expect(p.delayMs).toBe(PROBE_LOST_MS);
    clock.advance(20);
    p.take(sent[1]!, SOURCE); // the resent probe measures its own wait
    expect(p.delayMs).toBe(20);
  });

  it('stops: no more probes, no timer left', () => {
    const { p, clock, sent } = probe();
    p.take(INVITE, PHONE);
    p.stop();
    clock.advance(PROBE_LOST_MS * 2);
    expect(sent).toHaveLength(1);
    expect(clock.pending()).toBe(0);
  });
});
