import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { decodeRtpPacket, encodeRtpPacket, isRtcpPacket, type RtpPacketInit } from '../src/rtp/rtp-packet.js';
import { RtpError } from '../src/errors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RtpError) return err.code;
    throw err;
  }
  return undefined;
}

describe('RTP packet (RFC 3550 §5.1)', () => {
  it('decodes a minimal PCMU packet field by field', () => {
    // V=2 P=0 X=0 CC=0 | M=0 PT=0 | seq 0x1234 | ts 0x000000a0 | SSRC 0xdeadbeef | 4 payload bytes
    const p = decodeRtpPacket(hex('80 00 1234 000000a0 deadbeef ff7f0080'));
    expect(p).toMatchObject({ marker: false, payloadType: 0, sequenceNumber: 0x1234, timestamp: 160 });
    expect(p.ssrc).toBe(0xdeadbeef);
    expect(p.csrc).toEqual([]);
    expect(p.extension).toBeUndefined();
    expect(p.paddingLength).toBe(0);
    expect([...p.payload]).toEqual([0xff, 0x7f, 0x00, 0x80]);
  });

  it('decodes marker, CSRC list, header extension and padding together', () => {
    const p = decodeRtpPacket(
      hex('b2 e5 ffff ffffffff 00000001 00000002 00000003 bede0001 10aa0000 0102 000003'),
    );
    expect(p.marker).toBe(true);
    expect(p.payloadType).toBe(101);
    expect(p.sequenceNumber).toBe(65535);
    expect(p.timestamp).toBe(0xffffffff);
    expect(p.csrc).toEqual([2, 3]);
    expect(p.extension?.profile).toBe(0xbede);
    expect([...(p.extension?.data ?? [])]).toEqual([0x10, 0xaa, 0, 0]);
    expect(p.paddingLength).toBe(3);
    expect([...p.payload]).toEqual([1, 2]);
  });

  it('encodes to the exact bytes it decodes from', () => {
    const bytes = hex('b2 e5 ffff ffffffff 00000001 00000002 00000003 bede0001 10aa0000 0102 000003');
    const p = decodeRtpPacket(bytes);
    expect(Buffer.from(encodeRtpPacket(p)).toString('hex')).toBe(Buffer.from(bytes).toString('hex'));
  });

  it.each([
    ['shorter than the fixed header', '80 00 0001 00000000 000000', 'RTP_TOO_SHORT'],
    ['version 1', '40 00 0001 00000000 00000001', 'RTP_BAD_VERSION'],
    ['version 0 (e.g. STUN)', '00 01 0001 00000000 00000001', 'RTP_BAD_VERSION'],
    ['CSRC count past the end', '83 00 0001 00000000 00000001 00000002', 'RTP_TOO_SHORT'],
    ['extension length past the end', '90 00 0001 00000000 00000001 bede0004 00000000', 'RTP_BAD_EXTENSION'],
    ['padding count zero', 'a0 00 0001 00000000 00000001 0102 0300', 'RTP_BAD_PADDING'],
    ['padding count beyond the payload', 'a0 00 0001 00000000 00000001 0102 0309', 'RTP_BAD_PADDING'],
    [
      'payload type 72 (looks like RTCP SR with M bit)',
      '80 c8 0001 00000000 00000001',
      'RTP_BAD_PAYLOAD_TYPE',
    ],
  ])('rejects %s with a typed error', (_name, bytes, code) => {
    expect(codeOf(() => decodeRtpPacket(hex(bytes)))).toBe(code);
  });

  it('rejects field values that do not fit on encode', () => {
    const base: RtpPacketInit = {
      payloadType: 0,
      sequenceNumber: 0,
      timestamp: 0,
      ssrc: 0,
      payload: new Uint8Array(),
    };
    expect(codeOf(() => encodeRtpPacket({ ...base, sequenceNumber: 65536 }))).toBe('RTP_BAD_FIELD');
    expect(codeOf(() => encodeRtpPacket({ ...base, payloadType: 128 }))).toBe('RTP_BAD_FIELD');
    expect(codeOf(() => encodeRtpPacket({ ...base, timestamp: -1 }))).toBe('RTP_BAD_FIELD');
    expect(codeOf(() => encodeRtpPacket({ ...base, csrc: new Array<number>(16).fill(1) }))).toBe(
      'RTP_BAD_FIELD',
    );
    expect(
      codeOf(() => encodeRtpPacket({ ...base, extension: { profile: 1, data: new Uint8Array(3) } })),
    ).toBe('RTP_BAD_EXTENSION');
  });

  it('tells RTCP from RTP on a multiplexed port (RFC 5761 §4)', () => {
    expect(isRtcpPacket(hex('80c8 0006'))).toBe(true); // SR
    expect(isRtcpPacket(hex('81c9 0007'))).toBe(true); // RR
    expect(isRtcpPacket(hex('8000 0001'))).toBe(false); // PCMU
    expect(isRtcpPacket(hex('80e5 0001'))).toBe(false); // PT 101 with marker
  });

  it('round-trips any valid packet (property)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const packet = fc.record({
      marker: fc.boolean(),
      payloadType: fc.integer({ min: 0, max: 127 }).filter((pt) => pt < 72 || pt > 76),
      sequenceNumber: fc.integer({ min: 0, max: 0xffff }),
      timestamp: u32,
      ssrc: u32,
      csrc: fc.array(u32, { maxLength: 15 }),
      extension: fc.option(
        fc.record({
          profile: fc.integer({ min: 0, max: 0xffff }),
          data: fc.array(fc.integer({ min: 0, max: 255 }), { maxLength: 10 }).map((a) => {
            const out = new Uint8Array(4 * a.length);
            out.set(a);
            return out;
          }),
        }),
        { nil: undefined },
      ),
      paddingLength: fc.integer({ min: 0, max: 255 }),
      payload: fc.uint8Array({ maxLength: 300 }),
    });
    fc.assert(
      fc.property(packet, (init) => {
        const { extension, ...rest } = init;
        const input: RtpPacketInit = extension ? { ...rest, extension } : rest;
        const decoded = decodeRtpPacket(encodeRtpPacket(input));
        expect(decoded.marker).toBe(init.marker);
        expect(decoded.payloadType).toBe(init.payloadType);
        expect(decoded.sequenceNumber).toBe(init.sequenceNumber);
        expect(decoded.timestamp).toBe(init.timestamp);
        expect(decoded.ssrc).toBe(init.ssrc);
        expect(decoded.csrc).toEqual(init.csrc);
        expect(decoded.paddingLength).toBe(init.paddingLength);
        expect([...decoded.payload]).toEqual([...init.payload]);
        expect(decoded.extension?.profile).toBe(extension?.profile);
        expect([...(decoded.extension?.data ?? [])]).toEqual([...(extension?.data ?? [])]);
      }),
    );
  });

  it('never throws anything but RtpError on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 80 }), (bytes) => {
        try {
          decodeRtpPacket(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(RtpError);
        }
      }),
    );
  });
});
