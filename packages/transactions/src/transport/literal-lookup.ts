import dns from 'node:dns';
import { isIP } from 'node:net';

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string, family: number) => void;

/**
 * The UDP socket's address lookup (dgram `lookup` option). dgram looks up the address of every
 * datagram it sends, and `dns.lookup` answers even an IP literal — what the resolver gives the
 * transport for every target — only on the next tick: one more tick and its allocations per
 * datagram. A literal is answered at once (the datagram then goes out within `send`, as on a
 * connected socket); a name still goes to `dns.lookup`.
 */
export function literalLookup(
  hostname: string,
  options: dns.LookupOneOptions,
  callback: LookupCallback,
): void {
  const family = isIP(hostname);
  if (family !== 0) callback(null, hostname, family);
  else dns.lookup(hostname, options, callback);
}
