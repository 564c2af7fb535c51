// The top Via, From, To, a single Contact line and the SIP URIs inside them are first scanned
// from the received bytes (src/grammar/byte-scanners.ts). A fast path must either give exactly
// what the general string parser gives, or bail so that the general parser decides (and names
// the error). These tests compare the two on hand-picked edge cases and on generated values.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseNameAddrBytes } from '../src/headers/name-addr-bytes.js';
import { parseViaBytes } from '../src/headers/via-bytes.js';
import { parseMessage, parseNameAddr, parseUri } from '../src/index.js';
import { parseVia } from '../src/headers/via.js';
import { parseSipUriBytes } from '../src/uri/sip-uri-bytes.js';
import { describeNameAddr, describeUri, describeVia, outcome } from './describe-values.js';
import { spliced } from './spliced-values.js';

const BASE: Record<string, string> = {
  Via: 'SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
  From: '"A" <sip:a@example.com>;tag=1',
  To: '<sip:b@example.com>',
  'Call-ID': 'c1',
  CSeq: '7 OPTIONS',
};

function message(name: string, value: string): Buffer {
  const headers = { ...BASE, [name]: value };
  const lines = Object.entries(headers).map(([k, v]) => `${k}: ${v}`);
  return Buffer.from(['OPTIONS sip:a@example.com SIP/2.0', ...lines, '', ''].join('\r\n'), 'latin1');
}

// What the message accessor gives (fast path when it applies) against the general parser.
function viaBoth(value: string): [unknown, unknown] {
  const general = outcome(() => parseVia(value.split(',')[0]!.trim()));
  return [outcome(() => parseMessage(message('Via', value)).topVia), general];
}

function nameAddrBoth(header: 'From' | 'To' | 'Contact', value: string): [unknown, unknown] {
  const m = parseMessage(message(header, value));
  const got = outcome(() => (header === 'From' ? m.from : header === 'To' ? m.to : m.contacts));
  const general = outcome(() => {
    const na = parseNameAddr(value, header);
    return header === 'Contact' ? [na] : na;
  });
  return [got, general];
}

function bytesOf(s: string): [Buffer, string] {
  return [Buffer.from(s, 'latin1'), s];
}

describe('byte fast paths take the common shapes', () => {
  it('Via: transports, host names, IPv4, port and flag parameters', () => {
    for (const v of [
      'SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776asdhds;rport',
      'SIP/2.0/TCP pbx.example.com;branch=z9hG4bK-1.2_3~4;received=192.0.2.1;rport=5062',
      'SIP/2.0/TLS a-b.example.com:5061;branch=z9hG4bKx',
      'SIP/2.0/WSS df7jal23ls0d.invalid;branch=z9hG4bKy',
      'SIP/2.0/WS h;branch=z',
      'SIP/2.0/UDP h:5060',
      'SIP/2.0/UDP h;branch=z9hG4bK1;x="quoted value";y=""',
    ]) {
      const [b, s] = bytesOf(v);
      const fast = parseViaBytes(b, s, 0, s.length);
      expect(fast, v).toBeDefined();
      expect(describeVia(fast!), v).toEqual(describeVia(parseVia(v)));
    }
  });

  it('Via: the first element of a list ends at the comma', () => {
    const v = 'SIP/2.0/UDP a.example.com;branch=z9hG4bK1,SIP/2.0/UDP b.example.com;branch=z9hG4bK2';
    const [b, s] = bytesOf(v);
    const fast = parseViaBytes(b, s, 0, s.length)!;
    expect(fast.host).toBe('a.example.com');
    expect(fast.branch).toBe('z9hG4bK1');
  });

  it('name-addr: quoted and token display names, no display name, addr-spec', () => {
    for (const v of [
      '"Alice Example" <sip:1001@pbx.example.com>;tag=1928301774',
      'Bob Smith <sip:bob@example.com>',
      'caller<sip:caller@example.com>;tag=x',
      '<sip:1002@192.0.2.20:5060;transport=udp>;expires=3600;q=0.7',
      'sip:1003@example.com;tag=abc',
      '"\u00e9t\u00e9" <tel:+15551234>',
      '<sip:1001@192.0.2.10;transport=udp>;expires=3600;+sip.instance="<urn:uuid:0000-1000>"',
      'sip:a@h;tag="x";q=1',
    ]) {
      const [b, s] = bytesOf(v);
      const fast = parseNameAddrBytes(b, s, 0, s.length, 'From');
      expect(fast, v).toBeDefined();
      expect(describeNameAddr(fast!), v).toEqual(describeNameAddr(parseNameAddr(v, 'From')));
    }
  });

  it('SIP URI: user, host, port and parameters, sip and sips', () => {
    for (const v of [
      'sip:1001@pbx.example.com',
      'SIP:alice@192.0.2.1:5070;transport=tcp;lr',
      'sips:bob@example.com;maddr=239.255.255.1;ttl=15',
      'sip:example.com',
      'sip:+1-555;phone-context=x@h;user=phone',
    ]) {
      const [b, s] = bytesOf(v);
      const fast = parseSipUriBytes(b, s, 0, s.length);
      expect(fast, v).toBeDefined();
      expect(describeUri(fast!), v).toEqual(describeUri(parseUri(v)));
    }
  });
});

describe('byte fast paths leave the rest to the general parser', () => {
  it('Via: other spellings, LWS, IPv6, escaped quoted or IPv6 parameter values', () => {
    for (const v of [
      'sip/2.0/udp h;branch=x',
      'SIP / 2.0 / UDP h;branch=x',
      'SIP/2.0/SCTP h;branch=x',
      'SIP/2.0/UDP  h;branch=x',
      'SIP/2.0/UDP [2001:db8::9:1];branch=x',
      'SIP/2.0/UDP h ;branch=x',
      'SIP/2.0/UDP h;branch = x',
      'SIP/2.0/UDP h;received=2001:db8::1',
      'SIP/2.0/UDP h;x="quoted \\" pair"',
      'SIP/2.0/UDP h;x="unterminated',
      'SIP/2.0/UDP h:99999;branch=x',
      'SIP/2.0/UDP -h;branch=x',
    ]) {
      const [b, s] = bytesOf(v);
      expect(parseViaBytes(b, s, 0, s.length), v).toBeUndefined();
      const [got, general] = viaBoth(v);
      expect(got, v).toEqual(general);
    }
  });

  it('name-addr: quoted-pairs, LWS around parameters, escaped quoted values, URI headers', () => {
    for (const v of [
      '"A \\"B\\"" <sip:a@h>',
      '<sip:a@h> ;tag=1',
      '<sip:a@h>;tag="x\\"y"',
      '<sip:a@h>;tag="x\u0001"',
      'sip:a@h?subject=x',
      'sip:a@h ;tag=1',
      '< sip:a@h>',
      '<>',
      '"unterminated <sip:a@h>',
    ]) {
      const [b, s] = bytesOf(v);
      expect(parseNameAddrBytes(b, s, 0, s.length, 'To'), v).toBeUndefined();
      const [got, general] = nameAddrBoth('To', v);
      expect(got, v).toEqual(general);
    }
  });

  it('SIP URI: escapes, passwords, IPv6, headers, other schemes', () => {
    for (const v of [
      'sip:%61lice@h',
      'sip:a:secret@h',
      'sip:a@[2001:db8::1]:5060',
      'sip:a@h?subject=x',
      'sip:a@h;%6Cr',
      'tel:+15551234',
      'sip:a@h:70000',
    ]) {
      const [b, s] = bytesOf(v);
      expect(parseSipUriBytes(b, s, 0, s.length), v).toBeUndefined();
    }
  });
});

// Whatever the input, the message accessor (fast path or not) and the general parser agree,
// errors included.
describe('fast paths agree with the general parser on generated values', () => {
  it('top Via', () => {
    fc.assert(
      fc.property(spliced('SIP/2.0/UDP 192.0.2.10:5060;branch=z9hG4bK776;rport;received=192.0.2.1'), (v) => {
        if (v.includes(',')) return; // the general side above takes the first element naively
        const [got, general] = viaBoth(v);
        expect(got).toEqual(general);
      }),
      { numRuns: 1500 },
    );
  });

  it('From / To', () => {
    fc.assert(
      fc.property(spliced('"Alice" <sip:1001@pbx.example.com:5060;transport=udp>;tag=1928301774'), (v) => {
        const [got, general] = nameAddrBoth('From', v);
        expect(got).toEqual(general);
      }),
      { numRuns: 1500 },
    );
  });

  it('a single Contact without commas', () => {
    fc.assert(
      fc.property(spliced('<sip:1002@192.0.2.20:5060;ob>;expires=3600;q=0.5'), (v) => {
        if (v.includes(',') || v === '*') return; // lists and "*" are covered by contact-list tests
        const [got, general] = nameAddrBoth('Contact', v);
        expect(got).toEqual(general);
      }),
      { numRuns: 1500 },
    );
  });
});
