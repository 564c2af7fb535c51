import { describe, expect, it } from 'vitest';

import {
  InboundSourceError,
  InboundSourceMatcher,
  normalizeInboundSources,
  parseInboundSource,
} from '../src/trunks/inbound-sources.js';

describe('inbound source allow-list', () => {
  it('accepts hosts and CIDR blocks of both families in canonical form', () => {
    expect(
      normalizeInboundSources([
        ' 192.0.2.10 ',
        '198.51.100.0/24',
        '2001:DB8:0:0::/32',
        '192.0.2.10/32',
        '::1',
      ]),
    ).toEqual(['192.0.2.10', '198.51.100.0/24', '2001:db8::/32', '::1']);
    expect(parseInboundSource('0.0.0.0/0')).toEqual({ family: 'ipv4', address: '0.0.0.0', prefix: 0 });
  });

  it('refuses names, bad prefixes and blocks with host bits set, saying why', () => {
    expect(() => parseInboundSource('sip.example.com')).toThrow(InboundSourceError);
    expect(() => parseInboundSource('10.0.0.0/33')).toThrow(/prefix must be 0..32/);
    expect(() => parseInboundSource('10.0.0.0/')).toThrow(/prefix/);
    expect(() => parseInboundSource('2001:db8::/129')).toThrow(/0..128/);
    expect(() => parseInboundSource('10.0.0.1/24')).toThrow(/host bits set; the block is 10.0.0.0\/24/);
    expect(() => parseInboundSource('2001:db8::1/64')).toThrow(/2001:db8::\/64/);
    expect(() => parseInboundSource('300.1.1.1')).toThrow(InboundSourceError);
  });

  it('matches addresses inside the list only, IPv4-mapped IPv6 as IPv4', () => {
    const matcher = new InboundSourceMatcher(['192.0.2.10', '198.51.100.0/24', '2001:db8::/32']);
    expect(matcher.matches('192.0.2.10')).toBe(true);
    expect(matcher.matches('192.0.2.11')).toBe(false);
    expect(matcher.matches('198.51.100.200')).toBe(true);
    expect(matcher.matches('::ffff:198.51.100.7')).toBe(true);
    expect(matcher.matches('2001:db8:1::5')).toBe(true);
    expect(matcher.matches('2001:db9::5')).toBe(false);
    expect(matcher.matches('not-an-ip')).toBe(false);
    expect(new InboundSourceMatcher([]).matches('127.0.0.1')).toBe(false);
  });
});
