import { isIP } from 'node:net';
import { type Endpoint, type TransportProtocol } from '../transport/transport.js';
import { type DnsResolver, type NaptrRecord, type SrvRecord } from './dns-resolver.js';

/** The parts of a SIP/SIPS URI (or of a Route / Via sent-by) that RFC 3263 looks at. */
export interface ResolveInput {
  readonly host: string;
  readonly port?: number;
  /** The URI's `transport` parameter, if any. */
  readonly transport?: string;
  /** sips: URIs must use TLS (or WSS). */
  readonly secure?: boolean;
}

export interface ResolvedTarget extends Endpoint {
  readonly protocol: TransportProtocol;
  /**
   * True when UDP was only RFC 3263's default (no transport in the URI), so RFC 3261 §18.1.1 may
   * move a large request to TCP. A registered UDP binding, a dialog's UDP peer or an explicit
   * `transport=udp` never set it: a phone behind NAT cannot accept a TCP connection.
   */
  readonly tcpOnOversize?: boolean;
  /**
   * The connection a registration was bound to (RFC 5626 §5.3): requests go over this flow only and
   * fail with a `FLOW_FAILED` transport error once it has closed (never a new connection).
   */
  readonly flowId?: string;
}

export interface TargetResolverOptions {
  /** Protocols this node can send on; targets on others are skipped. Default UDP, TCP, TLS. */
  readonly supported?: readonly TransportProtocol[];
  /** Source of randomness for RFC 2782 weighted SRV selection (tests inject a fixed one). */
  readonly random?: () => number;
}

const NAPTR_SERVICES: Record<string, TransportProtocol> = {
  'SIP+D2U': 'UDP',
  'SIP+D2T': 'TCP',
  'SIPS+D2T': 'TLS',
  'SIP+D2W': 'WS',
  'SIPS+D2W': 'WSS',
};

const SRV_PREFIX: Record<TransportProtocol, string> = {
  UDP: '_sip._udp',
  TCP: '_sip._tcp',
  TLS: '_sips._tcp',
  WS: '_sip._ws',
  WSS: '_sips._ws',
};

const SECURE = new Set<TransportProtocol>(['TLS', 'WSS']);

function defaultPort(protocol: TransportProtocol): number {
  if (protocol === 'WS') return 80;
  if (protocol === 'WSS') return 443;
  return SECURE.has(protocol) ? 5061 : 5060;
}

function transportParam(value: string, secure: boolean): TransportProtocol | undefined {
  const t = value.toLowerCase();
  if (t === 'udp') return secure ? undefined : 'UDP';
  if (t === 'tcp') return secure ? 'TLS' : 'TCP';
  if (t === 'tls') return 'TLS';
  if (t === 'ws') return secure ? 'WSS' : 'WS';
  if (t === 'wss') return 'WSS';
  return undefined;
}

/** Swallows "no such record" answers so each RFC 3263 fallback can run. */
async function orEmpty<T>(q: Promise<T[]>): Promise<T[]> {
  try {
    return await q;
  } catch {
    return [];
  }
}

/**
 * RFC 3263 §4 server location: transport from the URI or NAPTR (then SRV probing, then the
 * default), port and address from SRV (RFC 2782 ordering) or A/AAAA.
 */
export class TargetResolver {
  private readonly supported: readonly TransportProtocol[];
  private readonly random: () => number;

  constructor(
    private readonly dns: DnsResolver,
    options: TargetResolverOptions = {},
  ) {
    this.supported = options.supported ?? ['UDP', 'TCP', 'TLS'];
    this.random = options.random ?? Math.random;
  }

  async resolve(input: ResolveInput): Promise<ResolvedTarget[]> {
    const secure = input.secure ?? false;
    const host = input.host.startsWith('[') ? input.host.slice(1, -1) : input.host;
    const explicit = input.transport !== undefined ? transportParam(input.transport, secure) : undefined;
    if (input.transport !== undefined && explicit === undefined) return [];

    // §4.1: a numeric address or an explicit port means no NAPTR/SRV.
    if (isIP(host) !== 0 || input.port !== undefined) {
      const protocol = explicit ?? (secure ? 'TLS' : 'UDP');
      if (!this.supported.includes(protocol)) return [];
      const port = input.port ?? defaultPort(protocol);
      const addrs = isIP(host) !== 0 ? [host] : await this.addresses(host);
      const free = explicit === undefined && protocol === 'UDP' ? { tcpOnOversize: true } : {};
      return addrs.map((a) => ({ protocol, host: a, port, ...free }));
    }

    if (explicit !== undefined) return this.viaSrv(host, explicit);

    const naptr = await this.naptrTargets(host, secure);
    if (naptr.length > 0) {
      const out: ResolvedTarget[] = [];
      for (const n of naptr) out.push(...(await this.srvTargets(n.replacement, n.protocol)));
      if (out.length > 0) return out;
    }
    // §4.1: no NAPTR: probe SRV for each supported transport in preference order.
    for (const protocol of this.candidates(secure)) {
      const srv = await this.srvTargets(`${SRV_PREFIX[protocol]}.${host}`, protocol);
      if (srv.length > 0) return srv;
    }
    // Last resort: UDP (TLS for sips) on the default port of the A/AAAA records.
    const protocol: TransportProtocol = secure ? 'TLS' : 'UDP';
    if (!this.supported.includes(protocol)) return [];
    const free = protocol === 'UDP' ? { tcpOnOversize: true } : {};
    return (await this.addresses(host)).map((a) => ({
      protocol,
      host: a,
      port: defaultPort(protocol),
      ...free,
    }));
  }

  private candidates(secure: boolean): TransportProtocol[] {
    const order: TransportProtocol[] = secure ? ['TLS', 'WSS'] : ['UDP', 'TCP', 'TLS', 'WS', 'WSS'];
    return order.filter((p) => this.supported.includes(p));
  }

  private async viaSrv(host: string, protocol: TransportProtocol): Promise<ResolvedTarget[]> {
    if (!this.supported.includes(protocol)) return [];
    const srv = await this.srvTargets(`${SRV_PREFIX[protocol]}.${host}`, protocol);
    if (srv.length > 0) return srv;
    return (await this.addresses(host)).map((a) => ({ protocol, host: a, port: defaultPort(protocol) }));
  }

  private async naptrTargets(
    host: string,
    secure: boolean,
  ): Promise<{ protocol: TransportProtocol; replacement: string }[]> {
    const records = await orEmpty(this.dns.resolveNaptr(host));
    return records
      .filter((r: NaptrRecord) => r.flags.toLowerCase() === 's')
      .map((r) => ({ r, protocol: NAPTR_SERVICES[r.service.toUpperCase()] }))
      .filter(
        (x): x is { r: NaptrRecord; protocol: TransportProtocol } =>
          x.protocol !== undefined &&
          this.supported.includes(x.protocol) &&
          (!secure || SECURE.has(x.protocol)),
      )
      .sort((a, b) => a.r.order - b.r.order || a.r.preference - b.r.preference)
      .map((x) => ({ protocol: x.protocol, replacement: x.r.replacement }));
  }

  private async srvTargets(name: string, protocol: TransportProtocol): Promise<ResolvedTarget[]> {
    const records = orderSrv(await orEmpty(this.dns.resolveSrv(name)), this.random);
    const out: ResolvedTarget[] = [];
    for (const r of records) {
      for (const a of await this.addresses(r.name)) out.push({ protocol, host: a, port: r.port });
    }
    return out;
  }

  private async addresses(host: string): Promise<string[]> {
    const [v4, v6] = await Promise.all([orEmpty(this.dns.resolve4(host)), orEmpty(this.dns.resolve6(host))]);
    return [...v4, ...v6];
  }
}

/** RFC 2782: ascending priority; inside a priority, weighted random order. */
export function orderSrv(records: SrvRecord[], random: () => number): SrvRecord[] {
  const byPriority = new Map<number, SrvRecord[]>();
  for (const r of records) byPriority.set(r.priority, [...(byPriority.get(r.priority) ?? []), r]);
  const out: SrvRecord[] = [];
  for (const p of [...byPriority.keys()].sort((a, b) => a - b)) {
    // Zero-weight records first so they keep a small chance of selection (RFC 2782).
    const pool = [...(byPriority.get(p) ?? [])].sort((a, b) => a.weight - b.weight);
    while (pool.length > 0) {
      const total = pool.reduce((s, r) => s + r.weight, 0);
      const pick = Math.floor(random() * (total + 1));
      let sum = 0;
      let idx = pool.findIndex((r) => (sum += r.weight) >= pick);
      if (idx < 0) idx = pool.length - 1;
      out.push(...pool.splice(idx, 1));
    }
  }
  return out;
}
