import type { RegistrationBinding } from '@switchboard/live-state';
import { parseUri } from '@switchboard/sip';
import type { ResolvedTarget, TransportProtocol } from '@switchboard/transactions';

const PROTOCOLS: readonly TransportProtocol[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];

function protocolOf(value: string | undefined): TransportProtocol {
  const upper = (value ?? 'UDP').toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(upper) ? (upper as TransportProtocol) : 'UDP';
}

/** "ip:port" or "[v6]:port" → host/port; undefined when it does not parse. */
export function parseHostPort(value: string): { host: string; port: number } | undefined {
  const m = /^\[?([^\]]+?)\]?:(\d{1,5})$/.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1], port } : undefined;
}

/**
 * Where requests to a registered contact go: the REGISTER's real source address and transport
 * (the phone may be behind NAT, RFC 3261 §10 + RFC 3581), falling back to the Contact URI.
 */
export function bindingDestination(binding: RegistrationBinding): ResolvedTarget | undefined {
  const source = binding.sourceAddress === undefined ? undefined : parseHostPort(binding.sourceAddress);
  if (source) return { ...source, protocol: protocolOf(binding.transport) };
  return uriDestination(binding.contact);
}

/** A numeric-host URI as a destination without DNS; undefined when the host is a name. */
export function uriDestination(uri: string): ResolvedTarget | undefined {
  try {
    const parsed = parseUri(uri);
    if (parsed.kind !== 'sip') return undefined;
    const host = parsed.host.replace(/^\[|\]$/g, '');
    if (!/^[0-9.]+$/.test(host) && !host.includes(':')) return undefined;
    const transport = parsed.params.get('transport') ?? undefined;
    return { host, port: parsed.port ?? 5060, protocol: protocolOf(transport) };
  } catch {
    return undefined;
  }
}
