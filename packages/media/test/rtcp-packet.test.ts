import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  decodeRtcpCompound,
  encodeRtcpCompound,
  type ReportBlock,
  type RtcpPacket,
} from '../src/rtcp/rtcp-packet.js';
import { ntpFromUnixMs, ntpMiddle32 } from '../src/rtcp/ntp-time.js';
import { RtcpError } from '../src/errors.js';

const hex = (s: string): Uint8Array => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof RtcpError) return err.code;
    throw err;
  }
  return undefined;
}

const block: ReportBlock = {
  ssrc: 0x01020304,
  fractionLost: 25,
  cumulativeLost: 10,
  extendedHighestSequence: 0x00010005,
  jitter: 42,
  lastSenderReport: 0xaabbccdd,
  delaySinceLastSenderReport: 98304,
};

describe('RTCP (RFC 3550 §6.4)', () => {
  it('lays out an SR with one report block as §6.4.1 draws it', () => {
    const bytes = encodeRtcpCompound([
      {
        type: 'sr',
        ssrc: 0x11111111,
        sender: {
          ntpSeconds: 0xe0000001,
          ntpFraction: 0x80000000,
          rtpTimestamp: 160,
          packetCount: 50,
          octetCount: 8000,
        },
        reports: [block],
      },
    ]);
    expect(Buffer.from(bytes).toString('hex')).toBe(
      [
        '81c8000c', // V=2, RC=1, PT=200, length 12 words (52 bytes / 4 - 1)
        '11111111',
        'e0000001',
        '80000000',
        '000000a0',
        '00000032',
        '00001f40',
        '01020304',
        '1900000a', // fraction 25, cumulative 10
        '00010005',
        '0000002a',
        'aabbccdd',
        '00018000',
      ].join(''),
    );
  });

  it('encodes a negative cumulative loss as 24-bit two’s complement and reads it back', () => {
    const bytes = encodeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [{ ...block, cumulativeLost: -2 }] }]);
    expect(Buffer.from(bytes.subarray(12, 16)).toString('hex')).toBe('19fffffe');
    const [rr] = decodeRtcpCompound(bytes);
    expect(rr).toMatchObject({ type: 'rr', reports: [{ cumulativeLost: -2, fractionLost: 25 }] });
  });

  it('round-trips a compound RR + SDES CNAME + BYE with reason', () => {
    const packets: RtcpPacket[] = [
      { type: 'rr', ssrc: 0xdeadbeef, reports: [block] },
      { type: 'sdes', chunks: [{ ssrc: 0xdeadbeef, items: [{ type: 1, value: 'vm@pbx.example' }] }] },
      { type: 'bye', ssrcs: [0xdeadbeef], reason: 'call ended' },
    ];
    const bytes = encodeRtcpCompound(packets);
    expect(bytes.length % 4).toBe(0);
    expect(decodeRtcpCompound(bytes)).toEqual(packets);
  });

  it('decodes an empty RR (no report blocks) and a BYE without reason', () => {
    const packets = decodeRtcpCompound(hex('80c90001 00000007 81cb0001 00000007'));
    expect(packets).toEqual([
      { type: 'rr', ssrc: 7, reports: [] },
      { type: 'bye', ssrcs: [7] },
    ]);
  });

  it('keeps unknown packet types (e.g. APP) as raw bodies', () => {
    const packets = decodeRtcpCompound(hex('80c90001 00000007 80cc0002 00000007 41424344'));
    expect(packets[1]).toMatchObject({ type: 'unknown', packetType: 204, count: 0 });
    expect(Buffer.from((packets[1] as { body: Uint8Array }).body).toString('hex')).toBe('0000000741424344');
  });

  it.each([
    ['too short', '80c9', 'RTCP_TOO_SHORT'],
    ['version 1', '40c90001 00000007', 'RTCP_BAD_VERSION'],
    ['length past the datagram', '80c90005 00000007', 'RTCP_BAD_LENGTH'],
    ['trailing bytes', '80c90001 00000007 0000', 'RTCP_BAD_LENGTH'],
    ['padding on a non-final packet', 'a0c90002 00000007 00000004 81cb0001 00000007', 'RTCP_BAD_PADDING'],
    ['report count larger than the packet', '81c90001 00000007', 'RTCP_TOO_SHORT'],
    ['BYE first (not a compound packet)', '81cb0001 00000007', 'RTCP_NOT_COMPOUND'],
  ])('rejects %s (§A.2)', (_name, bytes, code) => {
    expect(codeOf(() => decodeRtcpCompound(hex(bytes)))).toBe(code);
  });

  it('accepts a lone BYE when reduced-size RTCP is allowed', () => {
    expect(decodeRtcpCompound(hex('81cb0001 00000007'), { requireReportFirst: false })).toEqual([
      { type: 'bye', ssrcs: [7] },
    ]);
  });

  it('converts wall clock to NTP and takes the middle 32 bits for LSR', () => {
    const ntp = ntpFromUnixMs(1_000_500); // 1000.5 s after 1970
    expect(ntp.seconds).toBe(2208988800 + 1000);
    expect(ntp.fraction).toBe(0x80000000);
    expect(ntpMiddle32({ seconds: 0x12345678, fraction: 0x9abcdef0 })).toBe(0x56789abc);
  });

  it('round-trips SR/RR/SDES/BYE compounds (property)', () => {
    const u32 = fc.integer({ min: 0, max: 0xffffffff });
    const rb = fc.record({
      ssrc: u32,
      fractionLost: fc.integer({ min: 0, max: 255 }),
      cumulativeLost: fc.integer({ min: -0x800000, max: 0x7fffff }),
      extendedHighestSequence: u32,
      jitter: u32,
      lastSenderReport: u32,
      delaySinceLastSenderReport: u32,
    });
    const report = fc.oneof(
      fc.record({ type: fc.constant('rr' as const), ssrc: u32, reports: fc.array(rb, { maxLength: 31 }) }),
      fc.record({
        type: fc.constant('sr' as const),
        ssrc: u32,
        sender: fc.record({
          ntpSeconds: u32,
          ntpFraction: u32,
          rtpTimestamp: u32,
          packetCount: u32,
          octetCount: u32,
        }),
        reports: fc.array(rb, { maxLength: 31 }),
      }),
    );
    const sdes = fc.record({
      type: fc.constant('sdes' as const),
      chunks: fc.array(
        fc.record({
          ssrc: u32,
          items: fc.array(
            fc.record({ type: fc.integer({ min: 1, max: 8 }), value: fc.string({ maxLength: 60 }) }),
            {
              maxLength: 3,
            },
          ),
        }),
        { maxLength: 4 },
      ),
    });
    const bye = fc.record(
      {
        type: fc.constant('bye' as const),
        ssrcs: fc.array(u32, { maxLength: 31 }),
        reason: fc.string({ maxLength: 60 }),
      },
      { requiredKeys: ['type', 'ssrcs'] },
    );
    fc.assert(
      fc.property(report, fc.array(fc.oneof(sdes, bye), { maxLength: 3 }), (first, rest) => {
        const packets: RtcpPacket[] = [first, ...rest];
        expect(decodeRtcpCompound(encodeRtcpCompound(packets))).toEqual(packets);
      }),
    );
  });

  it('never throws anything but RtcpError on random bytes (property)', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
        try {
          decodeRtcpCompound(bytes);
        } catch (err) {
          expect(err).toBeInstanceOf(RtcpError);
        }
      }),
    );
  });
});
