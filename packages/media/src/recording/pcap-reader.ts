import { PcapError } from '../errors.js';

/** One UDP datagram out of a capture, with its capture time. */
export interface CapturedDatagram {
  /** Capture time, Unix milliseconds (microsecond or nanosecond precision kept as a fraction). */
  readonly timeMs: number;
  readonly source: { readonly address: string; readonly port: number };
  readonly destination: { readonly address: string; readonly port: number };
  readonly payload: Uint8Array;
}

// Link types (tcpdump.org LINKTYPE_*): the layer every packet starts with.
const LINKTYPE_NULL = 0;
const LINKTYPE_ETHERNET = 1;
const LINKTYPE_RAW = 101;
const LINKTYPE_LINUX_SLL = 113;
const LINKTYPE_IPV4 = 228;
const LINKTYPE_IPV6 = 229;

/**
 * The UDP datagrams of a classic libpcap file (both byte orders, micro- and nanosecond variants) as
 * rtpengine's `--recording-method=pcap` writes them (raw IP, or Ethernet with
 * `--recording-format=eth`), also Linux cooked and loopback captures. Non-UDP packets, IP fragments
 * and packets cut short by the snap length are skipped; a file still being written ends at its last
 * whole record. A file that is not a pcap, or of an unknown link type, throws PcapError.
 */
export function* readPcapDatagrams(file: Uint8Array): Generator<CapturedDatagram> {
  if (file.length < 24) throw new PcapError('PCAP_BAD_FILE', 'shorter than a pcap file header');
  const view = new DataView(file.buffer, file.byteOffset, file.byteLength);
  const magic = view.getUint32(0, false);
  let little: boolean;
  let nanos: boolean;
  if (magic === 0xa1b2c3d4 || magic === 0xa1b23c4d) {
    little = false;
    nanos = magic === 0xa1b23c4d;
  } else if (magic === 0xd4c3b2a1 || magic === 0x4d3cb2a1) {
    little = true;
    nanos = magic === 0x4d3cb2a1;
  } else {
    throw new PcapError('PCAP_BAD_FILE', `not a pcap file (magic 0x${magic.toString(16)})`);
  }
  const linkType = view.getUint32(20, little) & 0x0fffffff;
  let offset = 24;
  while (offset + 16 <= file.length) {
    const seconds = view.getUint32(offset, little);
    const fraction = view.getUint32(offset + 4, little);
    const captured = view.getUint32(offset + 8, little);
    const original = view.getUint32(offset + 12, little);
    const start = offset + 16;
    // A capture still being written (or cut short) ends inside its last record: that one is left out.
    if (start + captured > file.length) break;
    offset = start + captured;
    if (captured < original) continue; // cut by the snap length: payload incomplete
    const timeMs = seconds * 1000 + (nanos ? fraction / 1e6 : fraction / 1e3);
    const ip = networkLayer(file.subarray(start, start + captured), linkType);
    if (!ip) continue;
    const datagram = udpOf(ip, timeMs);
    if (datagram) yield datagram;
  }
}

function networkLayer(frame: Uint8Array, linkType: number): Uint8Array | undefined {
  switch (linkType) {
    case LINKTYPE_RAW:
    case LINKTYPE_IPV4:
    case LINKTYPE_IPV6:
      return frame;
    case LINKTYPE_ETHERNET: {
      let at = 12;
      let type = u16(frame, at);
      while (type === 0x8100 || type === 0x88a8) {
        at += 4; // 802.1Q / 802.1ad VLAN tag
        type = u16(frame, at);
      }
      return type === 0x0800 || type === 0x86dd ? frame.subarray(at + 2) : undefined;
    }
    case LINKTYPE_LINUX_SLL: {
      const type = u16(frame, 14);
      return type === 0x0800 || type === 0x86dd ? frame.subarray(16) : undefined;
    }
    case LINKTYPE_NULL:
      return frame.subarray(4);
    default:
      throw new PcapError('PCAP_BAD_FILE', `link type ${linkType} is not supported`);
  }
}

function udpOf(ip: Uint8Array, timeMs: number): CapturedDatagram | undefined {
  const version = (ip[0] ?? 0) >> 4;
  let source: string;
  let destination: string;
  let udp: Uint8Array;
  if (version === 4) {
    const headerBytes = ((ip[0] ?? 0) & 0x0f) * 4;
    const fragment = u16(ip, 6) & 0x3fff; // more-fragments flag or a fragment offset
    if (ip[9] !== 17 || headerBytes < 20 || fragment !== 0) return undefined;
    const total = Math.min(u16(ip, 2), ip.length);
    source = ip.subarray(12, 16).join('.');
    destination = ip.subarray(16, 20).join('.');
    udp = ip.subarray(headerBytes, total);
  } else if (version === 6) {
    if (ip[6] !== 17 || ip.length < 40) return undefined; // no extension headers in media captures
    source = ipv6Text(ip.subarray(8, 24));
    destination = ipv6Text(ip.subarray(24, 40));
    udp = ip.subarray(40, Math.min(40 + u16(ip, 4), ip.length));
  } else {
    return undefined;
  }
  if (udp.length < 8) return undefined;
  const length = Math.min(u16(udp, 4), udp.length);
  if (length < 8) return undefined;
  return {
    timeMs,
    source: { address: source, port: u16(udp, 0) },
    destination: { address: destination, port: u16(udp, 2) },
    payload: udp.subarray(8, length),
  };
}

function u16(b: Uint8Array, at: number): number {
  return ((b[at] ?? 0) << 8) | (b[at + 1] ?? 0);
}

function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i < 16; i += 2) groups.push(u16(b, i).toString(16));
  return groups.join(':');
}
