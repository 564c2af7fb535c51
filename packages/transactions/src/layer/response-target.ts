import { isIP } from 'node:net';
import { type ViaInfo } from '../matching/message-info.js';
import { normalizeHost, type Endpoint } from '../transport/transport.js';

/**
 * §18.2.1 with RFC 3581 §4: what a server writes into the top Via of a received request.
 * `received` when the sent-by host differs from the packet source (always with `rport`),
 * and the source port as the `rport` value when the client asked for it.
 */
export function receivedParams(
  via: ViaInfo,
  source: Endpoint,
): { received: string | undefined; rport: number | undefined } {
  const wantsRport = via.rport !== undefined;
  const differs = normalizeHost(via.host).toLowerCase() !== source.host.toLowerCase();
  return {
    received: differs || wantsRport ? source.host : undefined,
    rport: wantsRport ? source.port : undefined,
  };
}

function defaultPort(transport: string): number {
  return transport === 'TLS' || transport === 'WSS' ? 5061 : 5060;
}

/**
 * §18.2.2: where a response goes, given the (already stamped) top Via of the request.
 * Reliable transports first try the flow the request arrived on (the caller passes its id);
 * this gives the address for a new connection or for a datagram.
 */
export function responseTarget(via: ViaInfo, source: Endpoint): Endpoint {
  const port = via.port ?? defaultPort(via.transport);
  if (via.transport !== 'UDP') {
    return { host: via.received ?? source.host, port };
  }
  if (via.maddr !== undefined) return { host: via.maddr, port };
  // RFC 3581 §4: with rport, answer the source address and port the request came from.
  if (typeof via.rport === 'number') return { host: via.received ?? source.host, port: via.rport };
  if (via.received !== undefined) return { host: via.received, port };
  const host = normalizeHost(via.host);
  return { host: isIP(host) !== 0 ? host : source.host, port };
}
