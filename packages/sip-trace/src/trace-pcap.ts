import { ipBytes } from './ip-bytes.js';
import type { TraceEndpoint, TraceEntry } from './trace-entry.js';

// libpcap file format (https://www.tcpdump.org/manpages/pcap-savefile.5.html) with
// LINKTYPE_RAW (101): each record is an IPv4 or IPv6 packet, told apart by its version nibble.
const LINKTYPE_RAW = 101;
const SNAPLEN = 262_144;
const MAX_PAYLOAD = 65_000;
const TCP_PSH_ACK = 0x18;

function checksum(buf: Buffer): number {
  let sum = 0;
  for (let i = 0; i + 1 < buf.length; i += 2) sum += buf.readUInt16BE(i);
  if (buf.length % 2) sum += (buf[buf.length - 1] ?? 0) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return ~sum & 0xffff;
}

function ipHeader(src: Buffer, dst: Buffer, protocol: number, payloadLength: number): Buffer {
  if (src.length === 16 || dst.length === 16) {
    const h = Buffer.alloc(40);
    h.writeUInt32BE(0x60000000, 0);
    h.writeUInt16BE(payloadLength, 4);
    h[6] = protocol;
    h[7] = 64;
    (src.length === 16 ? src : Buffer.alloc(16)).copy(h, 8);
    (dst.length === 16 ? dst : Buffer.alloc(16)).copy(h, 24);
    return h;
  }
  const h = Buffer.alloc(20);
  h[0] = 0x45;
  h.writeUInt16BE(20 + payloadLength, 2);
  h.writeUInt16BE(0x4000, 6); // don't fragment
  h[8] = 64;
  h[9] = protocol;
  src.copy(h, 12);
  dst.copy(h, 16);
  h.writeUInt16BE(checksum(h), 10);
  return h;
}

/** Per-direction TCP sequence numbers, so Wireshark reassembles each stream in order. */
class TcpSequences {
  private readonly next = new Map<string, number>();
  take(key: string, length: number): number {
    const seq = this.next.get(key) ?? 1;
    this.next.set(key, (seq + length) >>> 0);
    return seq;
  }
  peek(key: string): number {
    return this.next.get(key) ?? 1;
  }
}

function transportSegment(
  entry: TraceEntry,
  src: TraceEndpoint,
  dst: TraceEndpoint,
  payload: Buffer,
  seqs: TcpSequences,
): { protocol: number; segment: Buffer } {
  if (entry.proto === 'UDP') {
    const h = Buffer.alloc(8);
    h.writeUInt16BE(src.port, 0);
    h.writeUInt16BE(dst.port, 2);
    h.writeUInt16BE(8 + payload.length, 4);
    return { protocol: 17, segment: Buffer.concat([h, payload]) };
  }
  // TCP, TLS and WebSocket messages are written as the SIP they carried, over plain TCP.
  const key = `${src.host}:${src.port}>${dst.host}:${dst.port}`;
  const back = `${dst.host}:${dst.port}>${src.host}:${src.port}`;
  const h = Buffer.alloc(20);
  h.writeUInt16BE(src.port, 0);
  h.writeUInt16BE(dst.port, 2);
  h.writeUInt32BE(seqs.take(key, payload.length), 4);
  h.writeUInt32BE(seqs.peek(back), 8);
  h[12] = 5 << 4;
  h[13] = TCP_PSH_ACK;
  h.writeUInt16BE(65_535, 14);
  return { protocol: 6, segment: Buffer.concat([h, payload]) };
}

/**
 * A pcap file of the trace that Wireshark, tshark and sngrep open: one IP packet per SIP message
 * with the recorded addresses and ports (checksums of UDP/TCP left 0, which they accept).
 */
export function tracePcap(entries: readonly TraceEntry[]): Buffer {
  const global = Buffer.alloc(24);
  global.writeUInt32LE(0xa1b2c3d4, 0);
  global.writeUInt16LE(2, 4);
  global.writeUInt16LE(4, 6);
  global.writeUInt32LE(SNAPLEN, 16);
  global.writeUInt32LE(LINKTYPE_RAW, 20);
  const parts: Buffer[] = [global];
  const seqs = new TcpSequences();
  for (const e of entries) {
    const [src, dst] = e.dir === 'in' ? [e.remote, e.local] : [e.local, e.remote];
    const payload = Buffer.from(e.msg, 'utf8').subarray(0, MAX_PAYLOAD);
    const { protocol, segment } = transportSegment(e, src, dst, payload, seqs);
    const packet = Buffer.concat([
      ipHeader(ipBytes(src.host), ipBytes(dst.host), protocol, segment.length),
      segment,
    ]);
    const record = Buffer.alloc(16);
    const seconds = Math.floor(e.t / 1000);
    record.writeUInt32LE(seconds, 0);
    record.writeUInt32LE(Math.round((e.t - seconds * 1000) * 1000), 4);
    record.writeUInt32LE(packet.length, 8);
    record.writeUInt32LE(packet.length, 12);
    parts.push(record, packet);
  }
  return Buffer.concat(parts);
}
