import { RtpError } from '../errors.js';

/** RFC 3550 §5.3.1 header extension: 16-bit profile-defined id and a body of whole 32-bit words. */
export interface RtpHeaderExtension {
  profile: number;
  data: Uint8Array;
}

/** A decoded RTP packet (RFC 3550 §5.1). `payload` is a view into the input buffer, not a copy. */
export interface RtpPacket {
  marker: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc: number[];
  extension?: RtpHeaderExtension;
  /** Number of padding octets at the end, including the count octet itself; 0 = no padding. */
  paddingLength: number;
  payload: Uint8Array;
}

/** What `encodeRtpPacket` needs; optional parts default to none. */
export interface RtpPacketInit {
  marker?: boolean;
  payloadType: number;
  sequenceNumber: number;
  timestamp: number;
  ssrc: number;
  csrc?: readonly number[];
  extension?: RtpHeaderExtension;
  paddingLength?: number;
  payload: Uint8Array;
}

const FIXED_HEADER = 12;

/**
 * Parses one RTP packet and applies the header validity checks of RFC 3550 §A.1: version 2,
 * a payload type that cannot be confused with RTCP SR/RR (72-76 once the marker bit is folded in),
 * CSRC list, extension and padding lengths that fit inside the packet.
 */
export function decodeRtpPacket(buf: Uint8Array): RtpPacket {
  if (buf.length < FIXED_HEADER)
    throw new RtpError('RTP_TOO_SHORT', `RTP packet of ${buf.length} bytes < 12`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const b0 = buf[0] ?? 0;
  const b1 = buf[1] ?? 0;
  const version = b0 >> 6;
  if (version !== 2) throw new RtpError('RTP_BAD_VERSION', `RTP version ${version}, expected 2`);
  const payloadType = b1 & 0x7f;
  if (payloadType >= 72 && payloadType <= 76) {
    throw new RtpError(
      'RTP_BAD_PAYLOAD_TYPE',
      `payload type ${payloadType} collides with RTCP (RFC 3551 §3)`,
    );
  }
  const csrcCount = b0 & 0x0f;
  let offset = FIXED_HEADER + 4 * csrcCount;
  if (offset > buf.length) throw new RtpError('RTP_TOO_SHORT', `CSRC count ${csrcCount} overruns packet`);
  const csrc: number[] = [];
  for (let i = 0; i < csrcCount; i++) csrc.push(view.getUint32(FIXED_HEADER + 4 * i));

  let extension: RtpHeaderExtension | undefined;
  if (b0 & 0x10) {
    if (offset + 4 > buf.length) throw new RtpError('RTP_BAD_EXTENSION', 'extension header overruns packet');
    const profile = view.getUint16(offset);
    const words = view.getUint16(offset + 2);
    const end = offset + 4 + 4 * words;
    if (end > buf.length)
      throw new RtpError('RTP_BAD_EXTENSION', `extension of ${words} words overruns packet`);
    extension = { profile, data: buf.subarray(offset + 4, end) };
    offset = end;
  }

  let end = buf.length;
  let paddingLength = 0;
  if (b0 & 0x20) {
    // §5.1: the last octet counts the padding octets, itself included, so it can be neither 0 nor past the header.
    paddingLength = buf[buf.length - 1] ?? 0;
    if (paddingLength === 0 || paddingLength > buf.length - offset) {
      throw new RtpError('RTP_BAD_PADDING', `padding count ${paddingLength} is invalid for this packet`);
    }
    end -= paddingLength;
  }

  return {
    marker: (b1 & 0x80) !== 0,
    payloadType,
    sequenceNumber: view.getUint16(2),
    timestamp: view.getUint32(4),
    ssrc: view.getUint32(8),
    csrc,
    ...(extension ? { extension } : {}),
    paddingLength,
    payload: buf.subarray(offset, end),
  };
}

function checkUint(name: string, value: number, bits: number): void {
  if (!Number.isInteger(value) || value < 0 || value >= 2 ** bits) {
    throw new RtpError('RTP_BAD_FIELD', `${name} ${value} is not a ${bits}-bit unsigned integer`);
  }
}

/** Serialises a packet; rejects field values that do not fit their wire width. */
export function encodeRtpPacket(p: RtpPacketInit): Uint8Array {
  const csrc = p.csrc ?? [];
  const padding = p.paddingLength ?? 0;
  checkUint('payload type', p.payloadType, 7);
  checkUint('sequence number', p.sequenceNumber, 16);
  checkUint('timestamp', p.timestamp, 32);
  checkUint('SSRC', p.ssrc, 32);
  checkUint('padding length', padding, 8);
  if (csrc.length > 15) throw new RtpError('RTP_BAD_FIELD', `${csrc.length} CSRCs > 15`);
  csrc.forEach((c) => checkUint('CSRC', c, 32));
  const ext = p.extension;
  if (ext) {
    checkUint('extension profile', ext.profile, 16);
    if (ext.data.length % 4 !== 0 || ext.data.length / 4 > 0xffff) {
      throw new RtpError(
        'RTP_BAD_EXTENSION',
        `extension body of ${ext.data.length} bytes is not whole 32-bit words`,
      );
    }
  }
  const extBytes = ext ? 4 + ext.data.length : 0;
  const size = FIXED_HEADER + 4 * csrc.length + extBytes + p.payload.length + padding;
  const out = new Uint8Array(size);
  const view = new DataView(out.buffer);
  out[0] = 0x80 | (padding > 0 ? 0x20 : 0) | (ext ? 0x10 : 0) | csrc.length;
  out[1] = (p.marker ? 0x80 : 0) | p.payloadType;
  view.setUint16(2, p.sequenceNumber);
  view.setUint32(4, p.timestamp);
  view.setUint32(8, p.ssrc);
  let offset = FIXED_HEADER;
  for (const c of csrc) {
    view.setUint32(offset, c);
    offset += 4;
  }
  if (ext) {
    view.setUint16(offset, ext.profile);
    view.setUint16(offset + 2, ext.data.length / 4);
    out.set(ext.data, offset + 4);
    offset += extBytes;
  }
  out.set(p.payload, offset);
  if (padding > 0) out[size - 1] = padding;
  return out;
}

/**
 * True when a datagram is RTCP rather than RTP (RFC 5761 §4: second octet 192-223 is an RTCP
 * packet type; RTP payload types there are not allowed), for sessions that multiplex both on one port.
 */
export function isRtcpPacket(buf: Uint8Array): boolean {
  const pt = buf[1];
  return buf.length >= 2 && pt !== undefined && pt >= 192 && pt <= 223;
}
