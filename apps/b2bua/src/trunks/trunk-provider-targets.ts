import type { TrunkSettings } from '@switchboard/db';
import type { ResolvedTarget } from '@switchboard/transactions';
import type { SipStackService } from '../sip/sip-stack.service.js';

/** The resolver of the SIP stack (RFC 3263 NAPTR/SRV/A). */
export type TrunkResolve = SipStackService['resolve'];

/** Where the trunk's requests go: the outbound proxy when set (RFC 3261 §8.1.2), else the provider host. */
export function providerHost(trunk: TrunkSettings): string {
  return trunk.outboundProxy ?? trunk.host;
}

/**
 * The provider's addresses in RFC 3263 order (NAPTR/SRV/A unless a port is given; SIPS for TLS): the
 * outbound proxy's when set, else the host's with the trunk's port. REGISTER, INVITE legs and the
 * recognition of inbound calls all use these.
 */
export function providerTargets(trunk: TrunkSettings, resolve: TrunkResolve): Promise<ResolvedTarget[]> {
  const [host, portText] = splitHostPort(providerHost(trunk));
  const port = portText ?? (trunk.outboundProxy === null ? (trunk.port ?? undefined) : undefined);
  return resolve({
    host,
    ...(port !== undefined ? { port } : {}),
    transport: trunk.transport,
    secure: trunk.transport === 'tls',
  });
}

/** "host", "host:port", "[v6]:port" → host and optional port. */
export function splitHostPort(value: string): [string, number | undefined] {
  const m = /^(\[[^\]]+\]|[^:]+)(?::(\d{1,5}))?$/.exec(value);
  if (!m?.[1]) return [value, undefined];
  return [m[1], m[2] === undefined ? undefined : Number(m[2])];
}
