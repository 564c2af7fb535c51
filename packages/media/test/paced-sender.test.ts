import { describe, expect, it } from 'vitest';
import { PacedSender } from '../src/rtp/paced-sender.js';
import type { RtpPacketInit } from '../src/rtp/rtp-packet.js';
import { decodeTelephoneEvents } from '../src/dtmf/telephone-event.js';
import { SessionError } from '../src/errors.js';
import { FakeClock } from './support/fake-clock.js';

function setup(overrides: Partial<ConstructorParameters<typeof PacedSender>[0]> = {}) {
  const clock = new FakeClock();
  const sent: { at: number; packet: RtpPacketInit }[] = [];
  const sender = new PacedSender({
    clock,
    ssrc: 0x1234,
    payloadType: 0,
    telephoneEventPayloadType: 101,
    initialSequence: 65534,
    initialTimestamp: 1000,
    send: (packet) => sent.push({ at: clock.now(), packet }),
    ...overrides,
  });
  return { clock, sent, sender };
}

describe('PacedSender', () => {
  it('sends one 160-byte frame every 20 ms of clock time, timestamps +160, sequence wrapping', async () => {
    const { clock, sent, sender } = setup();
    sender.start();
    const done = sender.enqueueAudio(new Uint8Array(480).fill(0x55));
    clock.advance(19);
    expect(sent).toEqual([]);
    clock.advance(1);
    expect(sent.map((s) => s.at)).toEqual([20]);
    clock.advance(60);
    expect(sent.map((s) => s.at)).toEqual([20, 40, 60]);
    expect(sent.map((s) => s.packet.sequenceNumber)).toEqual([65534, 65535, 0]);
    expect(sent.map((s) => s.packet.timestamp)).toEqual([1000, 1160, 1320]);
    expect(sent.map((s) => s.packet.marker)).toEqual([true, false, false]);
    expect(sent.every((s) => s.packet.payload.length === 160 && s.packet.ssrc === 0x1234)).toBe(true);
    await expect(done).resolves.toBe(true);
    expect(sender.packetsSent).toBe(3);
    expect(sender.octetsSent).toBe(480);
  });

  it('pads a short last frame with G.711 silence for the law', () => {
    const { clock, sent, sender } = setup({ payloadType: 8 });
    sender.start();
    void sender.enqueueAudio(new Uint8Array(10).fill(1));
    clock.advance(20);
    const payload = sent[0]?.packet.payload ?? new Uint8Array();
    expect(payload.length).toBe(160);
    expect(payload[9]).toBe(1);
    expect(payload[10]).toBe(0xd5);
  });

  it('keeps the timestamp running through silence and marks the next talkspurt', () => {
    const { clock, sent, sender } = setup();
    sender.start();
    void sender.enqueueAudio(new Uint8Array(160));
    clock.advance(20);
    clock.advance(40); // two idle ticks
    void sender.enqueueAudio(new Uint8Array(160));
    clock.advance(20);
    expect(sent.map((s) => [s.packet.timestamp, s.packet.marker, s.packet.sequenceNumber])).toEqual([
      [1000, true, 65534],
      [1480, true, 65535],
    ]);
  });

  it('sends a digit as RFC 4733 packets at one timestamp, then resumes audio', async () => {
    const { clock, sent, sender } = setup();
    sender.start();
    void sender.enqueueAudio(new Uint8Array(160));
    const digit = sender.enqueueDigit({ digit: '5', durationMs: 60 });
    void sender.enqueueAudio(new Uint8Array(160));
    clock.advance(20 * 7);
    const rows = sent.map((s) => {
      const ev = s.packet.payloadType === 101 ? decodeTelephoneEvents(s.packet.payload)[0] : undefined;
      return [s.packet.payloadType, s.packet.timestamp, s.packet.marker, ev?.end, ev?.duration];
    });
    expect(rows).toEqual([
      [0, 1000, true, undefined, undefined],
      [101, 1160, true, false, 160],
      [101, 1160, false, false, 320],
      [101, 1160, false, true, 480],
      [101, 1160, false, true, 480],
      [101, 1160, false, true, 480],
      // Five ticks later; past the event's end (1160 + 480), as RFC 4733 §2.5.1.4 wants.
      [0, 1960, true, undefined, undefined],
    ]);
    await expect(digit).resolves.toBe(true);
  });

  it('clear() resolves pending plays with false', async () => {
    const { clock, sender } = setup();
    sender.start();
    const a = sender.enqueueAudio(new Uint8Array(1600));
    const b = sender.enqueueAudio(new Uint8Array(160));
    clock.advance(40);
    sender.clear();
    await expect(a).resolves.toBe(false);
    await expect(b).resolves.toBe(false);
    expect(sender.idle).toBe(true);
  });

  it('does not drift when timers fire late', () => {
    const { clock, sent, sender } = setup();
    sender.start();
    void sender.enqueueAudio(new Uint8Array(160 * 10));
    // One big jump fires every due tick at its own due time.
    clock.advance(200);
    expect(sent.map((s) => s.at)).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
  });

  it('refuses digits when no telephone-event payload type was negotiated', async () => {
    const { sender } = setup({ telephoneEventPayloadType: undefined });
    await expect(sender.enqueueDigit({ digit: '1' })).rejects.toBeInstanceOf(SessionError);
  });
});
