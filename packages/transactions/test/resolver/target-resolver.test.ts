import { describe, expect, it } from 'vitest';
import {
  type DnsResolver,
  type NaptrRecord,
  type SrvRecord,
  TargetResolver,
  orderSrv,
} from '../../src/index.js';

interface Zone {
  naptr?: Record<string, NaptrRecord[]>;
  srv?: Record<string, SrvRecord[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
}

/** An in-memory DNS that fails like node:dns (ENOTFOUND) for missing names, and logs queries. */
function fakeDns(zone: Zone): DnsResolver & { queries: string[] } {
  const queries: string[] = [];
  const lookup = <T>(kind: string, table: Record<string, T[]> | undefined, name: string): Promise<T[]> => {
    queries.push(`${kind} ${name}`);
    const hit = table?.[name];
    return hit
      ? Promise.resolve(hit)
      : Promise.reject(Object.assign(new Error(`${kind} ${name}`), { code: 'ENOTFOUND' }));
  };
  return {
    queries,
    resolveNaptr: (n) => lookup('NAPTR', zone.naptr, n),
    resolveSrv: (n) => lookup('SRV', zone.srv, n),
    resolve4: (n) => lookup('A', zone.a, n),
    resolve6: (n) => lookup('AAAA', zone.aaaa, n),
  };
}

const naptr = (order: number, pref: number, service: string, replacement: string): NaptrRecord => ({
  flags: 's',
  service,
  regexp: '',
  replacement,
  order,
  preference: pref,
});
const srv = (name: string, port: number, priority = 10, weight = 0): SrvRecord => ({
  name,
  port,
  priority,
  weight,
});

describe('RFC 3263 target resolution', () => {
  it('uses a numeric IP as is, UDP and port 5060 by default, without DNS', async () => {
    const dns = fakeDns({});
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: '192.0.2.1' })).toEqual([
      { protocol: 'UDP', host: '192.0.2.1', port: 5060, tcpOnOversize: true },
    ]);
    expect(await r.resolve({ host: '[2001:db8::1]', secure: true })).toEqual([
      { protocol: 'TLS', host: '2001:db8::1', port: 5061 },
    ]);
    // An explicit transport=udp pins UDP: RFC 3261 §18.1.1 must not move a large request to TCP.
    expect(await r.resolve({ host: '192.0.2.1', transport: 'udp' })).toEqual([
      { protocol: 'UDP', host: '192.0.2.1', port: 5060 },
    ]);
    expect(dns.queries).toEqual([]);
  });

  it('honours the transport parameter and an explicit port with A/AAAA only', async () => {
    const dns = fakeDns({
      a: { 'pbx.example.com': ['192.0.2.7'] },
      aaaa: { 'pbx.example.com': ['2001:db8::7'] },
    });
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: 'pbx.example.com', port: 5080, transport: 'tcp' })).toEqual([
      { protocol: 'TCP', host: '192.0.2.7', port: 5080 },
      { protocol: 'TCP', host: '2001:db8::7', port: 5080 },
    ]);
    expect(dns.queries).toEqual(['A pbx.example.com', 'AAAA pbx.example.com']);
  });

  it('follows NAPTR order/preference, then SRV, then addresses', async () => {
    const dns = fakeDns({
      naptr: {
        'example.com': [
          naptr(20, 10, 'SIP+D2U', '_sip._udp.example.com'),
          naptr(10, 20, 'SIP+D2T', '_sip._tcp.example.com'),
          naptr(10, 30, 'SIP+D2X', 'ignored.example.com'),
        ],
      },
      srv: {
        '_sip._tcp.example.com': [srv('b.example.com', 5070, 20), srv('a.example.com', 5060, 10)],
        '_sip._udp.example.com': [srv('a.example.com', 5060)],
      },
      a: { 'a.example.com': ['192.0.2.1'], 'b.example.com': ['192.0.2.2'] },
    });
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: 'example.com' })).toEqual([
      { protocol: 'TCP', host: '192.0.2.1', port: 5060 },
      { protocol: 'TCP', host: '192.0.2.2', port: 5070 },
      { protocol: 'UDP', host: '192.0.2.1', port: 5060 },
    ]);
  });

  it('keeps only SIPS services for a sips URI', async () => {
    const dns = fakeDns({
      naptr: {
        'example.com': [
          naptr(10, 10, 'SIP+D2U', '_sip._udp.example.com'),
          naptr(20, 10, 'SIPS+D2T', '_sips._tcp.example.com'),
        ],
      },
      srv: { '_sips._tcp.example.com': [srv('tls.example.com', 5061)] },
      a: { 'tls.example.com': ['192.0.2.9'] },
    });
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: 'example.com', secure: true })).toEqual([
      { protocol: 'TLS', host: '192.0.2.9', port: 5061 },
    ]);
  });

  it('without NAPTR probes SRV per transport and takes the first that answers', async () => {
    const dns = fakeDns({
      srv: { '_sip._tcp.example.com': [srv('tcp.example.com', 5062)] },
      a: { 'tcp.example.com': ['192.0.2.3'] },
    });
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: 'example.com' })).toEqual([
      { protocol: 'TCP', host: '192.0.2.3', port: 5062 },
    ]);
    expect(dns.queries.slice(0, 3)).toEqual([
      'NAPTR example.com',
      'SRV _sip._udp.example.com',
      'SRV _sip._tcp.example.com',
    ]);
  });

  it('falls back to A/AAAA on UDP 5060 when there is neither NAPTR nor SRV', async () => {
    const dns = fakeDns({ aaaa: { 'v6.example.com': ['2001:db8::5'] } });
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: 'v6.example.com' })).toEqual([
      { protocol: 'UDP', host: '2001:db8::5', port: 5060, tcpOnOversize: true },
    ]);
  });

  it('uses SRV of an explicit transport, then A records on the default port', async () => {
    const dns = fakeDns({ a: { 'example.com': ['192.0.2.4'] } });
    const r = new TargetResolver(dns);
    expect(await r.resolve({ host: 'example.com', transport: 'TLS' })).toEqual([
      { protocol: 'TLS', host: '192.0.2.4', port: 5061 },
    ]);
  });

  it('returns nothing for an unknown transport or an unsupported one', async () => {
    const r = new TargetResolver(fakeDns({}), { supported: ['UDP'] });
    expect(await r.resolve({ host: '192.0.2.1', transport: 'sctp' })).toEqual([]);
    expect(await r.resolve({ host: '192.0.2.1', transport: 'tcp' })).toEqual([]);
  });
});

describe('RFC 2782 SRV ordering', () => {
  it('orders by priority and picks by weight inside a priority', () => {
    const records = [srv('low', 1, 20, 0), srv('w1', 1, 10, 1), srv('w9', 1, 10, 9)];
    // random()=0.5 -> pick floor(0.5*11)=5: running sums 1, 10 -> w9 first.
    expect(orderSrv(records, () => 0.5).map((r) => r.name)).toEqual(['w9', 'w1', 'low']);
    // random()=0 -> pick 0 -> the first (lowest weight) record.
    expect(orderSrv(records, () => 0).map((r) => r.name)).toEqual(['w1', 'w9', 'low']);
  });
});
