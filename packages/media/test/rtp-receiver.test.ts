import { describe, expect, it } from 'vitest';
import { RtpReceiver } from '../src/rtp/rtp-receiver.js';
import type { RtpPacket } from '../src/rtp/rtp-packet.js';
import type { DtmfDigitEvent } from '../src/dtmf/dtmf-receiver.js';
import { dtmfDigitPackets } from '../src/dtmf/dtmf-sender.js';
import { FakeClock } from './support/fake-clock.js';

function setup(minSequential = 1) {
  const clock = new FakeClock();
  const audio: RtpPacket[] = [];
  const digits: DtmfDigitEvent[] = [];
  const rx = new RtpReceiver({
    clock,
    payloadType: 0,
    telephoneEventPayloadType: 101,
    minSequential,
    jitterBuffer: { maxDelayMs: 60 },
    onAudio: (p) => audio.push(p),
    onDigit: (d) => digits.push(d),
  });
  return { clock, audio, digits, rx };
}

const audioPacket = (seq: number, ssrc = 1): RtpPacket => ({
  marker: false,
  payloadType: 0,
  sequenceNumber: seq & 0xffff,
  timestamp: (seq * 160) >>> 0,
  ssrc,
  csrc: [],
  paddingLength: 0,
  payload: Uint8Array.of(seq & 0xff),
});

describe('RtpReceiver (socket-free receive path)', () => {
  it('splits audio and DTMF that share one sequence space, in order despite reordering', () => {
    const { audio, digits, rx } = setup();
    const dtmf = dtmfDigitPackets({
      digit: '7',
      payloadType: 101,
      ssrc: 1,
      timestamp: 3 * 160,
      sequenceNumber: 3,
      durationMs: 60,
    });
    const packets: RtpPacket[] = [
      audioPacket(1),
      audioPacket(2),
      ...dtmf.map(({ packet }) => ({
        ...packet,
        marker: packet.marker ?? false,
        csrc: [],
        paddingLength: 0,
      })),
      audioPacket(8),
    ];
    // Swap two packets inside the digit and repeat one end packet.
    const order = [0, 1, 2, 4, 3, 5, 6, 6, 7].map((i) => packets[i] as RtpPacket);
    const verdicts = order.map((p) => rx.receive(p));
    expect(verdicts.filter((v) => v === 'accepted')).toHaveLength(9);
    expect(audio.map((p) => p.sequenceNumber)).toEqual([1, 2, 8]);
    expect(digits.map((d) => [d.digit, d.duration])).toEqual([['7', 480]]);
    expect(rx.jitterBufferStats.duplicate + rx.jitterBufferStats.late).toBe(1);
    expect(rx.source?.cumulativeLost).toBe(-1); // the duplicate counts as received (§A.3)
  });

  it('plays past a gap when its deadline passes on the clock', () => {
    const { clock, audio, rx } = setup();
    rx.receive(audioPacket(1));
    rx.receive(audioPacket(3));
    expect(audio.map((p) => p.sequenceNumber)).toEqual([1]);
    clock.advance(60);
    expect(audio.map((p) => p.sequenceNumber)).toEqual([1, 3]);
    expect(rx.jitterBufferStats.lost).toBe(1);
    rx.stop();
  });

  it('starts a fresh source on a new SSRC, playing out the old one first', () => {
    const { audio, rx } = setup();
    rx.receive(audioPacket(1, 1));
    rx.receive(audioPacket(3, 1)); // held for the missing 2
    rx.receive(audioPacket(500, 2));
    expect(audio.map((p) => [p.ssrc, p.sequenceNumber])).toEqual([
      [1, 1],
      [1, 3],
      [2, 500],
    ]);
    expect(rx.source?.ssrc).toBe(2);
  });

  it('reports unexpected payload types, probation and malformed events without throwing', () => {
    const { rx, digits } = setup(2);
    expect(rx.receive({ ...audioPacket(1), payloadType: 13 })).toBe('unexpected-payload-type');
    expect(rx.receive(audioPacket(10))).toBe('unvalidated');
    expect(rx.receive(audioPacket(11))).toBe('accepted');
    expect(rx.receive({ ...audioPacket(12), payloadType: 101, payload: Uint8Array.of(1, 2, 3) })).toBe(
      'accepted',
    );
    expect(rx.badTelephoneEvents).toBe(1);
    expect(digits).toEqual([]);
  });

  it('builds report blocks only once the source is valid, with LSR from its SR', () => {
    const { clock, rx } = setup(2);
    rx.receive(audioPacket(1));
    expect(rx.takeReportBlocks()).toEqual([]);
    rx.receive(audioPacket(2));
    rx.recordSenderReport(1, 0xabcd0000);
    rx.recordSenderReport(99, 0x11110000); // another SSRC: ignored
    clock.advance(500);
    const [block] = rx.takeReportBlocks();
    expect(block).toMatchObject({ ssrc: 1, lastSenderReport: 0xabcd0000, delaySinceLastSenderReport: 32768 });
  });
});
