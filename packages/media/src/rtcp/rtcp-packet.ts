import { RtcpError } from '../errors.js';

/** RFC 3550 §6.4.1 report block: reception quality of one source. */
export interface ReportBlock {
  ssrc: number;
  /** Fraction lost since the previous report, in 1/256 units (8 bits). */
  fractionLost: number;
  /** Cumulative packets lost, 24-bit signed (negative when duplicates arrived). */
  cumulativeLost: number;
  extendedHighestSequence: number;
  /** Interarrival jitter in timestamp units (§A.8). */
  jitter: number;
  /** Middle 32 bits of the NTP timestamp of the last SR received from the source, 0 if none. */
  lastSenderReport: number;
  /** Delay since that SR in 1/65536 s, 0 if none. */
  delaySinceLastSenderReport: number;
}

export interface SenderInfo {
  /** NTP timestamp, whole seconds since 1900 (32 bits). */
  ntpSeconds: number;
  /** NTP timestamp, fraction of a second in 1/2^32 units. */
  ntpFraction: number;
  rtpTimestamp: number;
  packetCount: number;
  octetCount: number;
}

export interface SenderReport {
  type: 'sr';
  ssrc: number;
  sender: SenderInfo;
  reports: ReportBlock[];
}

export interface ReceiverReport {
  type: 'rr';
  ssrc: number;
  reports: ReportBlock[];
}

export interface SdesItem {
  /** §6.5: 1 CNAME, 2 NAME, … 8 PRIV. */
  type: number;
  value: string;
}

export interface SourceDescription {
  type: 'sdes';
  chunks: { ssrc: number; items: SdesItem[] }[];
}

export interface Goodbye {
  type: 'bye';
  ssrcs: number[];
  reason?: string;
}

/** Any other packet type (APP, feedback, XR…), kept as its body so nothing is lost. */
export interface UnknownRtcpPacket {
  type: 'unknown';
  packetType: number;
  count: number;
  body: Uint8Array;
}

export type RtcpPacket = SenderReport | ReceiverReport | SourceDescription | Goodbye | UnknownRtcpPacket;

export const RTCP_SR = 200;
export const RTCP_RR = 201;
export const RTCP_SDES = 202;
export const RTCP_BYE = 203;
export const SDES_CNAME = 1;

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder();

function check(name: string, value: number, bits: number, signed = false): void {
  const min = signed ? -(2 ** (bits - 1)) : 0;
  const max = signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1;
  if (!Number.isInteger(value) || value < min || value > max) {
    throw new RtcpError(
      'RTCP_BAD_FIELD',
      `${name} ${value} does not fit ${signed ? 'signed ' : ''}${bits} bits`,
    );
  }
}

function header(view: DataView, offset: number, count: number, packetType: number, bytes: number): void {
  view.setUint8(offset, 0x80 | count);
  view.setUint8(offset + 1, packetType);
  // §6.4.1: length in 32-bit words minus one, header included.
  view.setUint16(offset + 2, bytes / 4 - 1);
}

function writeReportBlock(view: DataView, offset: number, rb: ReportBlock): void {
  check('report SSRC', rb.ssrc, 32);
  check('fraction lost', rb.fractionLost, 8);
  check('cumulative lost', rb.cumulativeLost, 24, true);
  check('extended highest sequence', rb.extendedHighestSequence, 32);
  check('jitter', rb.jitter, 32);
  check('LSR', rb.lastSenderReport, 32);
  check('DLSR', rb.delaySinceLastSenderReport, 32);
  view.setUint32(offset, rb.ssrc);
  view.setUint32(offset + 4, ((rb.fractionLost << 24) | (rb.cumulativeLost & 0xffffff)) >>> 0);
  view.setUint32(offset + 8, rb.extendedHighestSequence);
  view.setUint32(offset + 12, rb.jitter);
  view.setUint32(offset + 16, rb.lastSenderReport);
  view.setUint32(offset + 20, rb.delaySinceLastSenderReport);
}

function readReportBlock(view: DataView, offset: number): ReportBlock {
  const word = view.getUint32(offset + 4);
  const lost = word & 0xffffff;
  return {
    ssrc: view.getUint32(offset),
    fractionLost: word >>> 24,
    cumulativeLost: lost & 0x800000 ? lost - 0x1000000 : lost,
    extendedHighestSequence: view.getUint32(offset + 8),
    jitter: view.getUint32(offset + 12),
    lastSenderReport: view.getUint32(offset + 16),
    delaySinceLastSenderReport: view.getUint32(offset + 20),
  };
}

function encodeOne(p: RtcpPacket): Uint8Array {
  switch (p.type) {
    case 'sr':
    case 'rr': {
      if (p.reports.length > 31)
        throw new RtcpError('RTCP_BAD_FIELD', `${p.reports.length} report blocks > 31`);
      check('SSRC', p.ssrc, 32);
      const infoBytes = p.type === 'sr' ? 20 : 0;
      const bytes = 8 + infoBytes + 24 * p.reports.length;
      const out = new Uint8Array(bytes);
      const view = new DataView(out.buffer);
      header(view, 0, p.reports.length, p.type === 'sr' ? RTCP_SR : RTCP_RR, bytes);
      view.setUint32(4, p.ssrc);
      if (p.type === 'sr') {
        const s = p.sender;
        check('NTP seconds', s.ntpSeconds, 32);
        check('NTP fraction', s.ntpFraction, 32);
        check('RTP timestamp', s.rtpTimestamp, 32);
        check('packet count', s.packetCount, 32);
        check('octet count', s.octetCount, 32);
        view.setUint32(8, s.ntpSeconds);
        view.setUint32(12, s.ntpFraction);
        view.setUint32(16, s.rtpTimestamp);
        view.setUint32(20, s.packetCount);
        view.setUint32(24, s.octetCount);
      }
      p.reports.forEach((rb, i) => writeReportBlock(view, 8 + infoBytes + 24 * i, rb));
      return out;
    }
    case 'sdes':
      return encodeSdes(p);
    case 'bye':
      return encodeBye(p);
    case 'unknown': {
      if (p.body.length % 4 !== 0)
        throw new RtcpError('RTCP_BAD_LENGTH', 'packet body is not whole 32-bit words');
      check('count', p.count, 5);
      const out = new Uint8Array(4 + p.body.length);
      header(new DataView(out.buffer), 0, p.count, p.packetType, out.length);
      out.set(p.body, 4);
      return out;
    }
  }
}

function encodeSdes(p: SourceDescription): Uint8Array {
  if (p.chunks.length > 31) throw new RtcpError('RTCP_BAD_FIELD', `${p.chunks.length} SDES chunks > 31`);
  const parts: Uint8Array[] = [];
  for (const chunk of p.chunks) {
    check('SDES SSRC', chunk.ssrc, 32);
    const items = chunk.items.map((item) => {
      const value = utf8.encode(item.value);
      if (item.type < 1 || item.type > 255 || value.length > 255) {
        throw new RtcpError(
          'RTCP_BAD_FIELD',
          `SDES item type ${item.type} / ${value.length} bytes is invalid`,
        );
      }
      return { type: item.type, value };
    });
    const body = 4 + items.reduce((n, it) => n + 2 + it.value.length, 0);
    // §6.5: the item list ends with at least one null octet, padded to a 32-bit boundary.
    const size = (body + 4) & ~3;
    const out = new Uint8Array(size);
    new DataView(out.buffer).setUint32(0, chunk.ssrc);
    let o = 4;
    for (const it of items) {
      out[o] = it.type;
      out[o + 1] = it.value.length;
      out.set(it.value, o + 2);
      o += 2 + it.value.length;
    }
    parts.push(out);
  }
  const bytes = 4 + parts.reduce((n, part) => n + part.length, 0);
  const out = new Uint8Array(bytes);
  header(new DataView(out.buffer), 0, p.chunks.length, RTCP_SDES, bytes);
  let o = 4;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

function encodeBye(p: Goodbye): Uint8Array {
  if (p.ssrcs.length > 31) throw new RtcpError('RTCP_BAD_FIELD', `${p.ssrcs.length} BYE sources > 31`);
  const reason = p.reason === undefined ? undefined : utf8.encode(p.reason);
  if (reason && reason.length > 255)
    throw new RtcpError('RTCP_BAD_FIELD', 'BYE reason longer than 255 bytes');
  const reasonBytes = reason ? (1 + reason.length + 3) & ~3 : 0;
  const bytes = 4 + 4 * p.ssrcs.length + reasonBytes;
  const out = new Uint8Array(bytes);
  const view = new DataView(out.buffer);
  header(view, 0, p.ssrcs.length, RTCP_BYE, bytes);
  p.ssrcs.forEach((s, i) => {
    check('BYE SSRC', s, 32);
    view.setUint32(4 + 4 * i, s);
  });
  if (reason) {
    const o = 4 + 4 * p.ssrcs.length;
    out[o] = reason.length;
    out.set(reason, o + 1);
  }
  return out;
}

/** Serialises packets back to back into one compound packet (§6.1). */
export function encodeRtcpCompound(packets: readonly RtcpPacket[]): Uint8Array {
  const parts = packets.map(encodeOne);
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let o = 0;
  for (const part of parts) {
    out.set(part, o);
    o += part.length;
  }
  return out;
}

export interface RtcpDecodeOptions {
  /** §A.2: require the first packet to be SR or RR (default true; RFC 5506 reduced-size RTCP turns it off). */
  requireReportFirst?: boolean;
}

/**
 * Parses a compound RTCP packet with the validity checks of RFC 3550 §A.2: version 2 in every
 * packet, padding only on the last one, lengths that add up exactly to the datagram, and
 * (by default) SR or RR first.
 */
export function decodeRtcpCompound(buf: Uint8Array, options: RtcpDecodeOptions = {}): RtcpPacket[] {
  if (buf.length < 4) throw new RtcpError('RTCP_TOO_SHORT', `RTCP datagram of ${buf.length} bytes`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const packets: RtcpPacket[] = [];
  let offset = 0;
  while (offset < buf.length) {
    if (offset + 4 > buf.length)
      throw new RtcpError('RTCP_BAD_LENGTH', 'trailing bytes after the last packet');
    const b0 = view.getUint8(offset);
    if (b0 >> 6 !== 2) throw new RtcpError('RTCP_BAD_VERSION', `RTCP version ${b0 >> 6}, expected 2`);
    const bytes = (view.getUint16(offset + 2) + 1) * 4;
    const end = offset + bytes;
    if (end > buf.length)
      throw new RtcpError('RTCP_BAD_LENGTH', `packet of ${bytes} bytes overruns datagram`);
    let bodyEnd = end;
    if (b0 & 0x20) {
      if (end !== buf.length)
        throw new RtcpError('RTCP_BAD_PADDING', 'padding on a packet that is not the last');
      const pad = view.getUint8(end - 1);
      if (pad === 0 || pad > bytes - 4)
        throw new RtcpError('RTCP_BAD_PADDING', `padding count ${pad} is invalid`);
      bodyEnd -= pad;
    }
    packets.push(decodeOne(view, offset, bodyEnd, b0 & 0x1f, view.getUint8(offset + 1), buf));
    offset = end;
  }
  const first = packets[0];
  if ((options.requireReportFirst ?? true) && first && first.type !== 'sr' && first.type !== 'rr') {
    throw new RtcpError('RTCP_NOT_COMPOUND', 'compound RTCP must start with SR or RR (RFC 3550 §6.1)');
  }
  return packets;
}

function need(offset: number, bytes: number, end: number, what: string): void {
  if (offset + bytes > end) throw new RtcpError('RTCP_TOO_SHORT', `${what} overruns its packet`);
}

function decodeOne(
  view: DataView,
  start: number,
  end: number,
  count: number,
  packetType: number,
  buf: Uint8Array,
): RtcpPacket {
  switch (packetType) {
    case RTCP_SR:
    case RTCP_RR: {
      const sr = packetType === RTCP_SR;
      const infoBytes = sr ? 20 : 0;
      need(start, 8 + infoBytes + 24 * count, end, `${sr ? 'SR' : 'RR'} with ${count} report blocks`);
      const reports: ReportBlock[] = [];
      for (let i = 0; i < count; i++) reports.push(readReportBlock(view, start + 8 + infoBytes + 24 * i));
      const ssrc = view.getUint32(start + 4);
      if (!sr) return { type: 'rr', ssrc, reports };
      return {
        type: 'sr',
        ssrc,
        sender: {
          ntpSeconds: view.getUint32(start + 8),
          ntpFraction: view.getUint32(start + 12),
          rtpTimestamp: view.getUint32(start + 16),
          packetCount: view.getUint32(start + 20),
          octetCount: view.getUint32(start + 24),
        },
        reports,
      };
    }
    case RTCP_SDES:
      return decodeSdes(view, start, end, count);
    case RTCP_BYE: {
      need(start, 4 + 4 * count, end, `BYE with ${count} sources`);
      const ssrcs: number[] = [];
      for (let i = 0; i < count; i++) ssrcs.push(view.getUint32(start + 4 + 4 * i));
      const r = start + 4 + 4 * count;
      if (r >= end) return { type: 'bye', ssrcs };
      const len = view.getUint8(r);
      need(r + 1, len, end, 'BYE reason');
      return { type: 'bye', ssrcs, reason: utf8Decoder.decode(buf.subarray(r + 1, r + 1 + len)) };
    }
    default:
      return { type: 'unknown', packetType, count, body: buf.subarray(start + 4, end) };
  }
}

function decodeSdes(view: DataView, start: number, end: number, count: number): SourceDescription {
  const chunks: SourceDescription['chunks'] = [];
  let o = start + 4;
  const bytes = new Uint8Array(view.buffer, view.byteOffset, view.byteLength);
  for (let c = 0; c < count; c++) {
    need(o, 4, end, 'SDES chunk');
    const ssrc = view.getUint32(o);
    o += 4;
    const items: SdesItem[] = [];
    for (;;) {
      need(o, 1, end, 'SDES item list');
      const type = view.getUint8(o);
      if (type === 0) break;
      need(o, 2, end, 'SDES item');
      const len = view.getUint8(o + 1);
      need(o + 2, len, end, 'SDES item value');
      items.push({ type, value: utf8Decoder.decode(bytes.subarray(o + 2, o + 2 + len)) });
      o += 2 + len;
    }
    // Skip the terminating null and the padding to the next 32-bit boundary.
    o = (o - start + 4) & ~3;
    o += start;
    chunks.push({ ssrc, items });
  }
  return { type: 'sdes', chunks };
}
