import { ipv4Bytes, ipv6Bytes } from './ip-bytes.js';
import type { TraceEntry } from './trace-entry.js';

/**
 * HEP v3 (HEP/EEP, as Homer's collector reads it): "HEP3", total length, then chunks of
 * vendor id 0 (generic), type, length (header included), value; all integers big-endian.
 */
const CHUNK = {
  ipFamily: 0x01,
  ipProtocol: 0x02,
  ipv4Src: 0x03,
  ipv4Dst: 0x04,
  ipv6Src: 0x05,
  ipv6Dst: 0x06,
  srcPort: 0x07,
  dstPort: 0x08,
  seconds: 0x09,
  microseconds: 0x0a,
  protocolType: 0x0b,
  captureId: 0x0c,
  authKey: 0x0e,
  payload: 0x0f,
  correlationId: 0x11,
} as const;

export const HEP_CHUNK_TYPES = CHUNK;
const PROTOCOL_SIP = 1;

function chunk(type: number, value: Buffer): Buffer {
  const h = Buffer.alloc(6);
  h.writeUInt16BE(0, 0);
  h.writeUInt16BE(type, 2);
  h.writeUInt16BE(6 + value.length, 4);
  return Buffer.concat([h, value]);
}

const u8 = (n: number): Buffer => Buffer.from([n & 0xff]);
const u16 = (n: number): Buffer => {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
};
const u32 = (n: number): Buffer => {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(n >>> 0);
  return b;
};

export interface HepOptions {
  readonly captureId: number;
  readonly authKey?: string;
  /** Correlation id shown by Homer; the message's Call-ID. */
  readonly correlationId?: string;
}

/** One HEP v3 packet carrying one traced SIP message. */
export function encodeHep3(entry: TraceEntry, options: HepOptions): Buffer {
  const [src, dst] = entry.dir === 'in' ? [entry.remote, entry.local] : [entry.local, entry.remote];
  const src4 = ipv4Bytes(src.host);
  const dst4 = ipv4Bytes(dst.host);
  const v4 = src4 !== undefined && dst4 !== undefined;
  const seconds = Math.floor(entry.t / 1000);
  const chunks = [
    chunk(CHUNK.ipFamily, u8(v4 ? 2 : 10)),
    chunk(CHUNK.ipProtocol, u8(entry.proto === 'UDP' ? 17 : 6)),
    v4 ? chunk(CHUNK.ipv4Src, src4) : chunk(CHUNK.ipv6Src, ipv6Bytes(src.host)),
    v4 ? chunk(CHUNK.ipv4Dst, dst4) : chunk(CHUNK.ipv6Dst, ipv6Bytes(dst.host)),
    chunk(CHUNK.srcPort, u16(src.port)),
    chunk(CHUNK.dstPort, u16(dst.port)),
    chunk(CHUNK.seconds, u32(seconds)),
    chunk(CHUNK.microseconds, u32(Math.round((entry.t - seconds * 1000) * 1000))),
    chunk(CHUNK.protocolType, u8(PROTOCOL_SIP)),
    chunk(CHUNK.captureId, u32(options.captureId)),
    ...(options.authKey ? [chunk(CHUNK.authKey, Buffer.from(options.authKey, 'utf8'))] : []),
    ...(options.correlationId
      ? [chunk(CHUNK.correlationId, Buffer.from(options.correlationId, 'utf8'))]
      : []),
    chunk(CHUNK.payload, Buffer.from(entry.msg, 'utf8')),
  ];
  const body = Buffer.concat(chunks);
  return Buffer.concat([Buffer.from('HEP3', 'ascii'), u16(6 + body.length), body]);
}
