import { createLogger } from '@switchboard/config';
import type { TrunkSettings } from '@switchboard/db';
import { parseMessage, type SipRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { ANONYMOUS, inboundIdentity } from '../src/trunks/inbound-trunk-call.js';
import { InboundTrunkDirectory } from '../src/trunks/inbound-trunk-directory.js';
import type { TrunkResolve } from '../src/trunks/trunk-provider-targets.js';

const logger = createLogger('test', { logLevel: 'silent' });

function trunk(over: Partial<TrunkSettings> & { name: string }): TrunkSettings {
  return {
    id: `id-${over.name}`,
    enabled: true,
    host: 'sip.carrier.example',
    port: null,
    transport: 'udp',
    outboundProxy: null,
    authUsername: null,
    password: undefined,
    register: false,
    registerExpiry: 3600,
    fromUser: null,
    fromDomain: null,
    didSource: 'request_uri',
    callerIdMode: 'from',
    sendPrivacy: true,
    callerIdNumber: null,
    codecs: [],
    maxConcurrentCalls: null,
    inboundSources: [],
    createdAt: new Date(0),
    updatedAt: new Date(0),
    ...over,
  };
}

/** The provider hosts of the tests resolve to fixed documentation addresses (RFC 5737). */
const resolve: TrunkResolve = (input) => {
  const hosts: Record<string, string[]> = {
    'sip.carrier.example': ['192.0.2.10', '192.0.2.11'],
    'proxy.carrier.example': ['192.0.2.20'],
  };
  const found = hosts[input.host];
  if (!found) return Promise.reject(new Error(`NXDOMAIN ${input.host}`));
  return Promise.resolve(found.map((host) => ({ host, port: input.port ?? 5060, protocol: 'UDP' as const })));
};

function invite(
  uri: string,
  headers: string[] = [],
  to = 'sip:4930100500@pbx.test',
  fromValue = '"Alice Public" <sip:+4930555@carrier.example>',
): SipRequest {
  const text = [
    `INVITE ${uri} SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.10;branch=z9hG4bK1',
    'Max-Forwards: 69',
    `From: ${fromValue};tag=a`,
    `To: <${to}>`,
    'Call-ID: in-1',
    'CSeq: 1 INVITE',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const m = parseMessage(Buffer.from(text));
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

const from = (host: string) => ({ protocol: 'UDP' as const, host, port: 5060, flowId: undefined });

describe('InboundTrunkDirectory: which trunk an INVITE comes from', () => {
  it('matches IP-authenticated trunks by their source allow-list (addresses and CIDR, IPv4 and IPv6)', async () => {
    const d = new InboundTrunkDirectory(logger);
    await d.load(
      [
        trunk({ name: 'ip-a', inboundSources: ['198.51.100.0/24'] }),
        trunk({ name: 'ip-b', inboundSources: ['203.0.113.5', '2001:db8::/32'] }),
        trunk({ name: 'off', enabled: false, inboundSources: ['203.0.113.9'] }),
      ],
      resolve,
    );
    expect(d.match(invite('sip:1@pbx.test'), from('198.51.100.77'))?.name).toBe('ip-a');
    expect(d.match(invite('sip:1@pbx.test'), from('203.0.113.5'))?.name).toBe('ip-b');
    expect(d.match(invite('sip:1@pbx.test'), from('[2001:db8::7]'))?.name).toBe('ip-b');
    expect(d.match(invite('sip:1@pbx.test'), from('203.0.113.6'))).toBeUndefined();
    // A disabled trunk is no trunk.
    expect(d.match(invite('sip:1@pbx.test'), from('203.0.113.9'))).toBeUndefined();
    expect(d.isTrunkSource('198.51.100.1')).toBe(true);
    expect(d.isTrunkSource('203.0.113.9')).toBe(false);
  });

  it('matches registered trunks by the provider’s resolved addresses, then by our registered Contact user', async () => {
    const d = new InboundTrunkDirectory(logger);
    await d.load(
      [
        trunk({ name: 'acct-1', register: true, authUsername: '4930100' }),
        trunk({ name: 'acct-2', register: true, authUsername: '4930200', fromUser: 'office2' }),
        trunk({ name: 'via-proxy', register: true, outboundProxy: 'proxy.carrier.example:5070' }),
        // Not registering and no allow-list: its provider's address alone does not make a trunk call.
        trunk({ name: 'silent', host: '192.0.2.99' }),
        trunk({ name: 'unresolvable', register: true, host: 'nowhere.example' }),
      ],
      resolve,
    );
    // The provider sends the call to our Contact (Request-URI user = the registered user)…
    expect(d.match(invite('sip:office2@192.0.2.1:5060'), from('192.0.2.11'))?.name).toBe('acct-2');
    // …or keeps the Contact user in To; with neither, the first trunk of that provider.
    expect(d.match(invite('sip:4930100500@pbx', [], 'sip:4930100@x'), from('192.0.2.10'))?.name).toBe(
      'acct-1',
    );
    expect(d.match(invite('sip:4930100500@pbx'), from('192.0.2.10'))?.name).toBe('acct-1');
    // The outbound proxy is where that trunk's calls come from.
    expect(d.match(invite('sip:4930100500@pbx'), from('192.0.2.20'))?.name).toBe('via-proxy');
    expect(d.match(invite('sip:4930100500@pbx'), from('192.0.2.99'))).toBeUndefined();
    expect(d.isTrunkSource('192.0.2.20')).toBe(true);
    expect(d.isTrunkSource('192.0.2.99')).toBe(false);
  });

  it('forgets trunks removed by the next load', async () => {
    const d = new InboundTrunkDirectory(logger);
    await d.load([trunk({ name: 'ip-a', inboundSources: ['198.51.100.0/24'] })], resolve);
    await d.load([], resolve);
    expect(d.match(invite('sip:1@pbx.test'), from('198.51.100.77'))).toBeUndefined();
  });
});

describe('inboundIdentity: DID and caller ID of a trunk call', () => {
  const base = { id: 't', name: 'carrier', maxConcurrentCalls: null } as const;

  it('takes the DID from the Request-URI, the caller from the From, shown in our domain', () => {
    const id = inboundIdentity(
      invite('sip:4930100500@192.0.2.1'),
      { ...base, didSource: 'request_uri' },
      'pbx.test',
    );
    expect(id).toMatchObject({
      destination: '4930100500',
      callerUri: 'sip:+4930555@pbx.test',
      callerName: 'Alice Public',
      callerTrunk: 'carrier',
      externalNumber: '+4930555',
    });
    expect(id?.callerExtension).toBeUndefined();
  });

  it('takes the DID from To when the trunk says so, and a tel: Request-URI number', () => {
    const to = inboundIdentity(
      invite('sip:4930100@192.0.2.1', [], 'sip:+49301234500@carrier.example'),
      { ...base, didSource: 'to' },
      'pbx.test',
    );
    expect(to?.destination).toBe('+49301234500');
    const tel = inboundIdentity(
      invite('tel:+49301234501'),
      { ...base, didSource: 'request_uri' },
      'pbx.test',
    );
    expect(tel?.destination).toBe('+49301234501');
  });

  it('prefers the provider’s P-Asserted-Identity (RFC 3325), but not against Privacy: id', () => {
    const pai = ['P-Asserted-Identity: "Bob Real" <sip:+4930666@carrier.example>, <tel:+4930666>'];
    const asserted = inboundIdentity(
      invite('sip:1@x', pai),
      { ...base, didSource: 'request_uri' },
      'pbx.test',
    );
    expect(asserted).toMatchObject({ externalNumber: '+4930666', callerName: 'Bob Real' });
    // RFC 3323 §4.2 / RFC 3325 §9.3: the caller withheld the number; the From is anonymous.
    const withheld = inboundIdentity(
      invite('sip:1@x', [...pai, 'Privacy: id'], undefined, '"Anonymous" <sip:anonymous@anonymous.invalid>'),
      { ...base, didSource: 'request_uri' },
      'pbx.test',
    );
    expect(withheld).toMatchObject({ externalNumber: 'anonymous', callerName: 'Anonymous' });
  });

  it('has no DID without a user part (the caller gets 404), and no caller number → anonymous', () => {
    expect(
      inboundIdentity(invite('sip:192.0.2.1'), { ...base, didSource: 'request_uri' }, 'pbx.test'),
    ).toBeUndefined();
    const anon = inboundIdentity(
      invite('sip:1@x', ['P-Asserted-Identity: <sip:carrier.example>']),
      { ...base, didSource: 'request_uri' },
      'pbx.test',
    );
    expect(anon?.externalNumber).toBe(ANONYMOUS);
  });
});
