import type { RegistrationBinding } from '@switchboard/live-state';
import { parseUri } from '@switchboard/sip';
import type { ResolvedTarget, TransportProtocol } from '@switchboard/transactions';
import { localFlowOf } from '../../registrar/binding-flows.js';
import type { CallSipPort } from '../call-sip-port.js';

// Module constant: a regular expression literal in a function body is a new object per call.
const HOST_PORT = /^\[?([^\]]+?)\]?:(\d{1,5})$/;

const PROTOCOLS: readonly TransportProtocol[] = ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];

function protocolOf(value: string | undefined): TransportProtocol {
  const upper = (value ?? 'UDP').toUpperCase();
  return (PROTOCOLS as readonly string[]).includes(upper) ? (upper as TransportProtocol) : 'UDP';
}

/** "ip:port" or "[v6]:port" → host/port; undefined when it does not parse. */
export function parseHostPort(value: string): { host: string; port: number } | undefined {
  const m = HOST_PORT.exec(value);
  if (!m?.[1] || !m[2]) return undefined;
  const port = Number(m[2]);
  return port > 0 && port < 65536 ? { host: m[1], port } : undefined;
}

/**
 * Where requests to a registered contact go: the REGISTER's real source address and transport
 * (the phone may be behind NAT, RFC 3261 §10 + RFC 3581) over the connection it registered on
 * when this process holds it (RFC 5626 §5.3), falling back to the Contact URI.
 */
export function bindingDestination(binding: RegistrationBinding): ResolvedTarget | undefined {
  const first = binding.path?.[0];
  if (first !== undefined) return pathDestination(first);
  const source = binding.sourceAddress === undefined ? undefined : parseHostPort(binding.sourceAddress);
  const flowId = localFlowOf(binding);
  if (source) return { ...source, protocol: protocolOf(binding.transport), ...(flowId ? { flowId } : {}) };
  const contact = uriDestination(binding.contact);
  // A registered contact's transport is the phone's choice: never switched by size (§18.1.1).
  return contact && { host: contact.host, port: contact.port, protocol: contact.protocol };
}

/**
 * RFC 3327 §5.3: a binding registered through proxies is reached through them, its Path values being
 * the preloaded Route set; the request goes to the first one (RFC 3261 §8.1.2, loose routing). A
 * Path URI naming a host (not an address) is left to resolvePathDestination.
 */
function pathDestination(first: string): ResolvedTarget | undefined {
  const uri = /<([^>]*)>/.exec(first)?.[1];
  return uri === undefined ? undefined : uriDestination(uri);
}

/** Where a binding with a Path goes: its first Path URI, through RFC 3263 when that names a host. */
export async function resolvePathDestination(
  port: Pick<CallSipPort, 'resolve'>,
  path: readonly string[],
): Promise<ResolvedTarget | undefined> {
  const uri = /<([^>]*)>/.exec(path[0] ?? '')?.[1];
  return uri === undefined ? undefined : resolveUriDestination(port, uri);
}

/**
 * A numeric-host URI as a destination without DNS; undefined when the host is a name. A `sips:` URI
 * without a transport goes over TLS, and TLS defaults to port 5061 (RFC 3263 §4.1, RFC 3261 §19.1.2).
 */
export function uriDestination(uri: string): ResolvedTarget | undefined {
  try {
    const parsed = parseUri(uri);
    if (parsed.kind !== 'sip') return undefined;
    const host = parsed.host.replace(/^\[|\]$/g, '');
    if (!/^[0-9.]+$/.test(host) && !host.includes(':')) return undefined;
    const transport = parsed.params.get('transport') ?? undefined;
    const protocol = transport === undefined && parsed.scheme === 'sips' ? 'TLS' : protocolOf(transport);
    // RFC 3261 §18.1.1 may move a large request to TCP only where UDP was a default, not chosen.
    const free = transport === undefined && protocol === 'UDP' ? { tcpOnOversize: true } : {};
    return { host, port: parsed.port ?? (protocol === 'TLS' ? 5061 : 5060), protocol, ...free };
  } catch {
    return undefined;
  }
}

/** Where a URI goes: its numeric host as is, else RFC 3263's first target; undefined when none. */
export async function resolveUriDestination(
  port: Pick<CallSipPort, 'resolve'>,
  uri: string,
): Promise<ResolvedTarget | undefined> {
  const direct = uriDestination(uri);
  if (direct) return direct;
  const parsed = parseUri(uri);
  if (parsed.kind !== 'sip') return undefined;
  const transport = parsed.params.get('transport') ?? undefined;
  const [first] = await port.resolve({
    host: parsed.host,
    ...(parsed.port === undefined ? {} : { port: parsed.port }),
    ...(transport ? { transport } : {}),
    secure: parsed.scheme === 'sips',
  });
  return first;
}
