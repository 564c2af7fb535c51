/** The 4 bytes of a dotted IPv4 literal, or undefined for anything else. */
export function ipv4Bytes(host: string): Buffer | undefined {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) ? Buffer.from(host.split('.').map(Number)) : undefined;
}

/** The 16 bytes of an IPv6 literal (`::` expanded; an IPv4 tail is not expected from transports). */
export function ipv6Bytes(host: string): Buffer {
  const [head = '', tail = ''] = host.split('::');
  const h = head ? head.split(':') : [];
  const t = tail ? tail.split(':') : [];
  const all = host.includes('::')
    ? [...h, ...Array<string>(Math.max(0, 8 - h.length - t.length)).fill('0'), ...t]
    : h;
  const b = Buffer.alloc(16);
  all.slice(0, 8).forEach((g, i) => b.writeUInt16BE(parseInt(g, 16) || 0, i * 2));
  return b;
}

/** IPv4 (4 bytes) or IPv6 (16 bytes) address bytes of an IP literal. */
export function ipBytes(host: string): Buffer {
  return ipv4Bytes(host) ?? ipv6Bytes(host);
}
