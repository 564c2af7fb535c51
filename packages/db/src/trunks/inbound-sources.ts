import { BlockList, isIP } from 'node:net';

import { DbError } from '../db-errors.js';

export class InboundSourceError extends DbError {
  constructor(message: string) {
    super('INBOUND_SOURCE_INVALID', message);
  }
}

export interface InboundSource {
  family: 'ipv4' | 'ipv6';
  address: string;
  prefix: number;
}

/**
 * One allow-list entry: an IP address (a host) or a CIDR block `address/prefix`. Host bits set in a block
 * (`10.0.0.1/24`) are refused rather than silently widened: the operator most likely meant something else.
 */
export function parseInboundSource(text: string): InboundSource {
  const trimmed = text.trim();
  const slash = trimmed.indexOf('/');
  const address = slash === -1 ? trimmed : trimmed.slice(0, slash);
  const version = isIP(address);
  if (version === 0) throw new InboundSourceError(`"${text}" is not an IP address or CIDR block`);
  const family = version === 4 ? 'ipv4' : 'ipv6';
  const bits = version === 4 ? 32 : 128;
  let prefix = bits;
  if (slash !== -1) {
    const p = trimmed.slice(slash + 1);
    if (!/^\d{1,3}$/.test(p) || Number(p) > bits)
      throw new InboundSourceError(`"${text}": prefix must be 0..${bits}`);
    prefix = Number(p);
  }
  if (prefix < bits) {
    if (networkAddress(address, prefix, family) !== canonical(address, family)) {
      throw new InboundSourceError(
        `"${text}" has host bits set; the block is ${networkAddress(address, prefix, family)}/${prefix}`,
      );
    }
  }
  return { family, address: canonical(address, family), prefix };
}

/** Canonical text of an entry: `a.b.c.d` for a host, `net/prefix` for a block. */
export function formatInboundSource(source: InboundSource): string {
  const bits = source.family === 'ipv4' ? 32 : 128;
  return source.prefix === bits ? source.address : `${source.address}/${source.prefix}`;
}

/** Validates and canonicalises a whole list (duplicates removed, order kept). */
export function normalizeInboundSources(list: readonly string[]): string[] {
  return [...new Set(list.map((s) => formatInboundSource(parseInboundSource(s))))];
}

/** Whether a packet's source address is on a trunk's allow-list (IPv4-mapped IPv6 counts as IPv4). */
export class InboundSourceMatcher {
  private readonly list = new BlockList();
  readonly empty: boolean;

  constructor(sources: readonly string[]) {
    for (const s of sources) {
      const { family, address, prefix } = parseInboundSource(s);
      this.list.addSubnet(address, prefix, family);
    }
    this.empty = sources.length === 0;
  }

  matches(ip: string): boolean {
    const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
    const address = mapped?.[1] ?? ip;
    const version = isIP(address);
    if (version === 0) return false;
    return this.list.check(address, version === 4 ? 'ipv4' : 'ipv6');
  }
}

/** IPv6 in RFC 5952 form (the WHATWG URL serializer compresses it that way), IPv4 as given. */
function canonical(address: string, family: 'ipv4' | 'ipv6'): string {
  return family === 'ipv4' ? address : new URL(`http://[${address}]/`).hostname.slice(1, -1);
}

function networkAddress(address: string, prefix: number, family: 'ipv4' | 'ipv6'): string {
  if (family === 'ipv4') {
    const value = address.split('.').reduce((acc, octet) => (acc << 8n) | BigInt(octet), 0n);
    const masked = value & (((1n << BigInt(prefix)) - 1n) << BigInt(32 - prefix));
    return [24n, 16n, 8n, 0n].map((s) => ((masked >> s) & 255n).toString()).join('.');
  }
  const value = expandIpv6(address).reduce((acc, g) => (acc << 16n) | BigInt(g), 0n);
  const masked = value & (((1n << BigInt(prefix)) - 1n) << BigInt(128 - prefix));
  const groups = Array.from({ length: 8 }, (_, i) => Number((masked >> BigInt(112 - 16 * i)) & 0xffffn));
  return canonical(groups.map((g) => g.toString(16)).join(':'), 'ipv6');
}

function expandIpv6(address: string): number[] {
  const [head = '', tail] = address.split('::');
  const parse = (part: string): number[] => (part === '' ? [] : part.split(':').flatMap(groupValues));
  const h = parse(head);
  const t = tail === undefined ? [] : parse(tail);
  return [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
}

/** A group, or an embedded dotted IPv4 tail (two groups). */
function groupValues(group: string): number[] {
  if (!group.includes('.')) return [parseInt(group, 16)];
  const [a = 0, b = 0, c = 0, d = 0] = group.split('.').map(Number);
  return [(a << 8) | b, (c << 8) | d];
}
