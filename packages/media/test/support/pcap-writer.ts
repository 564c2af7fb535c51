/** A classic pcap (little-endian, microseconds) of raw IPv4/UDP packets, as rtpengine writes them. */
export interface PcapPacket {
  readonly timeMs: number;
  readonly src: [string, number];
  readonly dst: [string, number];
  readonly payload: Uint8Array;
}

export function writePcap(packets: readonly PcapPacket[], linkType = 101): Uint8Array {
  const records = packets.map((p) => {
    const ip = ipv4Udp(p);
    const rec = Buffer.alloc(16 + ip.length);
    const seconds = Math.floor(p.timeMs / 1000);
    rec.writeUInt32LE(seconds, 0);
    rec.writeUInt32LE(Math.round((p.timeMs - seconds * 1000) * 1000), 4);
    rec.writeUInt32LE(ip.length, 8);
    rec.writeUInt32LE(ip.length, 12);
    ip.copy(rec, 16);
    return rec;
  });
  const header = Buffer.alloc(24);
  header.writeUInt32LE(0xa1b2c3d4, 0);
  header.writeUInt16LE(2, 4);
  header.writeUInt16LE(4, 6);
  header.writeUInt32LE(65535, 16);
  header.writeUInt32LE(linkType, 20);
  return new Uint8Array(Buffer.concat([header, ...records]));
}

function ipv4Udp(p: PcapPacket): Buffer {
  const ip = Buffer.alloc(28 + p.payload.length);
  ip[0] = 0x45;
  ip.writeUInt16BE(ip.length, 2);
  ip[8] = 64;
  ip[9] = 17;
  Buffer.from(p.src[0].split('.').map(Number)).copy(ip, 12);
  Buffer.from(p.dst[0].split('.').map(Number)).copy(ip, 16);
  ip.writeUInt16BE(p.src[1], 20);
  ip.writeUInt16BE(p.dst[1], 22);
  ip.writeUInt16BE(8 + p.payload.length, 24);
  Buffer.from(p.payload).copy(ip, 28);
  return ip;
}
