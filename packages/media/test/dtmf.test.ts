import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeTelephoneEvents,
  dtmfDigit,
  dtmfEventCode,
  encodeTelephoneEvents,
} from '../src/dtmf/telephone-event.js';
import { DtmfReceiver } from '../src/dtmf/dtmf-receiver.js';
import { dtmfDigitPackets, planDtmfDigit } from '../src/dtmf/dtmf-sender.js';
import { DtmfError } from '../src/errors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const block = (event: number, end: boolean, duration: number, volume = 10): Uint8Array =>
  encodeTelephoneEvents([{ event, end, volume, duration }]);

describe('telephone-event payload (RFC 4733 §2.3)', () => {
  it('decodes event, E bit, volume and duration', () => {
    // Digit 5, E=1, R=0, volume 10 (-10 dBm0), duration 800 (100 ms at 8 kHz).
    expect(decodeTelephoneEvents(hex('05 8a 0320'))).toEqual([
      { event: 5, end: true, volume: 10, duration: 800 },
    ]);
    // The reserved R bit is ignored on receipt.
    expect(decodeTelephoneEvents(hex('0b 4f 00a0'))).toEqual([
      { event: 11, end: false, volume: 15, duration: 160 },
    ]);
  });

  it('encodes the same bytes', () => {
    expect(Buffer.from(block(5, true, 800)).toString('hex')).toBe('058a0320');
  });

  it('decodes several blocks carried in one packet', () => {
    expect(decodeTelephoneEvents(hex('01 8a 0320 02 0a 00a0')).map((e) => e.event)).toEqual([1, 2]);
  });

  it('maps digits to event codes (§3.2)', () => {
    expect([...'0123456789*#ABCD'].map(dtmfEventCode)).toEqual([...Array(16).keys()]);
    expect(dtmfEventCode('a')).toBe(12);
    expect(dtmfDigit(11)).toBe('#');
    expect(dtmfDigit(16)).toBeUndefined();
    expect(() => dtmfEventCode('x')).toThrow(DtmfError);
    expect(() => dtmfEventCode('12')).toThrow(DtmfError);
  });

  it('rejects payloads that are not whole 4-byte blocks, and out-of-range fields', () => {
    expect(() => decodeTelephoneEvents(hex('058a03'))).toThrow(DtmfError);
    expect(() => decodeTelephoneEvents(new Uint8Array())).toThrow(DtmfError);
    expect(() => encodeTelephoneEvents([{ event: 1, end: false, volume: 64, duration: 0 }])).toThrow(
      DtmfError,
    );
    expect(() => encodeTelephoneEvents([{ event: 1, end: false, volume: 0, duration: 0x10000 }])).toThrow(
      DtmfError,
    );
  });

  it('round-trips any event block (property)', () => {
    const ev = fc.record({
      event: fc.integer({ min: 0, max: 255 }),
      end: fc.boolean(),
      volume: fc.integer({ min: 0, max: 63 }),
      duration: fc.integer({ min: 0, max: 0xffff }),
    });
    fc.assert(
      fc.property(fc.array(ev, { minLength: 1, maxLength: 4 }), (evs) => {
        expect(decodeTelephoneEvents(encodeTelephoneEvents(evs))).toEqual(evs);
      }),
    );
  });
});

describe('sending a digit (RFC 4733 §2.5.1)', () => {
  it('plans a 100 ms digit as growing durations and three end packets', () => {
    const plan = planDtmfDigit({ digit: '9', durationMs: 100, volume: 10 });
    const decoded = plan.map((p) => ({
      at: p.offsetMs,
      m: p.marker,
      ...decodeTelephoneEvents(p.payload)[0],
    }));
    expect(decoded).toEqual([
      { at: 0, m: true, event: 9, end: false, volume: 10, duration: 160 },
      { at: 20, m: false, event: 9, end: false, volume: 10, duration: 320 },
      { at: 40, m: false, event: 9, end: false, volume: 10, duration: 480 },
      { at: 60, m: false, event: 9, end: false, volume: 10, duration: 640 },
      { at: 80, m: false, event: 9, end: true, volume: 10, duration: 800 },
      { at: 100, m: false, event: 9, end: true, volume: 10, duration: 800 },
      { at: 120, m: false, event: 9, end: true, volume: 10, duration: 800 },
    ]);
  });

  it('numbers packets consecutively (wrapping) and keeps one timestamp for the event', () => {
    const packets = dtmfDigitPackets({
      digit: '#',
      payloadType: 101,
      ssrc: 42,
      timestamp: 123456,
      sequenceNumber: 65534,
      durationMs: 60,
    });
    expect(packets.map((p) => p.packet.sequenceNumber)).toEqual([65534, 65535, 0, 1, 2]);
    expect(new Set(packets.map((p) => p.packet.timestamp))).toEqual(new Set([123456]));
    expect(packets.map((p) => p.packet.marker)).toEqual([true, false, false, false, false]);
    expect(packets.every((p) => p.packet.payloadType === 101 && p.packet.ssrc === 42)).toBe(true);
  });

  it('refuses durations that do not fit the 16-bit field', () => {
    expect(() => planDtmfDigit({ digit: '1', durationMs: 9000 })).toThrow(DtmfError);
    expect(() => planDtmfDigit({ digit: '1', durationMs: 0 })).toThrow(DtmfError);
  });
});

describe('DtmfReceiver: one report per key press (RFC 4733 §2.5.2)', () => {
  function sendAll(rx: DtmfReceiver, digit: string, ts: number): string[] {
    return planDtmfDigit({ digit }).flatMap((p) => rx.receive(ts, p.payload).map((d) => d.digit));
  }

  it('reports a digit once although its end packet arrives three times', () => {
    const rx = new DtmfReceiver();
    const got = planDtmfDigit({ digit: '7', durationMs: 100 }).flatMap((p) => rx.receive(8000, p.payload));
    expect(got).toEqual([
      { digit: '7', event: 7, timestamp: 8000, duration: 800, volume: 10, endSeen: true },
    ]);
  });

  it('reports the same digit pressed twice (new timestamp = new event)', () => {
    const rx = new DtmfReceiver();
    expect([...sendAll(rx, '1', 1000), ...sendAll(rx, '1', 3000)]).toEqual(['1', '1']);
  });

  it('still reports a digit whose end packets were all lost, when the next one starts', () => {
    const rx = new DtmfReceiver();
    expect(rx.receive(1000, block(4, false, 160))).toEqual([]);
    expect(rx.receive(1000, block(4, false, 320))).toEqual([]);
    const next = rx.receive(2000, block(5, false, 160));
    expect(next).toEqual([
      { digit: '4', event: 4, timestamp: 1000, duration: 320, volume: 10, endSeen: false },
    ]);
    expect(rx.flush().map((d) => d.digit)).toEqual(['5']);
    expect(rx.flush()).toEqual([]);
  });

  it('ignores a late update of an event already ended', () => {
    const rx = new DtmfReceiver();
    expect(rx.receive(1000, block(2, true, 800)).map((d) => d.digit)).toEqual(['2']);
    expect(rx.receive(1000, block(2, false, 640))).toEqual([]);
  });

  it('does not report non-DTMF events (e.g. 32, answer tone)', () => {
    const rx = new DtmfReceiver();
    expect(rx.receive(1000, block(32, true, 800))).toEqual([]);
  });

  it('reports each of a random digit string exactly once, whatever the duplication (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.constantFrom(...'0123456789*#'), { minLength: 1, maxLength: 8 }),
        fc.integer({ min: 1, max: 3 }),
        (digits, copies) => {
          const rx = new DtmfReceiver();
          const got: string[] = [];
          digits.forEach((digit, i) => {
            for (const p of planDtmfDigit({ digit })) {
              for (let c = 0; c < copies; c++)
                got.push(...rx.receive(1000 + i * 2000, p.payload).map((d) => d.digit));
            }
          });
          expect(got).toEqual(digits);
        },
      ),
    );
  });
});
