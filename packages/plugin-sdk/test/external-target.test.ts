import { describe, expect, it } from 'vitest';
import { domainOf, externalTarget } from '../src/index.js';

const requestUri = 'sip:600@pbx.example.com';

describe('externalTarget', () => {
  it('keeps URIs as they are', () => {
    expect(externalTarget('sips:bob@example.org', { scheme: 'sip', requestUri })).toEqual({
      kind: 'uri',
      uri: 'sips:bob@example.org',
    });
  });

  it('turns a number into a user=phone SIP URI in our domain, escaping #', () => {
    expect(externalTarget('+49 (30) 123-456', { scheme: 'sip', requestUri })).toEqual({
      kind: 'uri',
      uri: 'sip:+4930123456@pbx.example.com;user=phone',
    });
    expect(externalTarget('12#', { scheme: 'sip', requestUri, domain: 'trunk.example' })).toEqual({
      kind: 'uri',
      uri: 'sip:12%23@trunk.example;user=phone',
    });
  });

  it('builds tel: URIs, with a phone-context for local numbers (RFC 3966 §5.1.5)', () => {
    expect(externalTarget('+4930123', { scheme: 'tel', requestUri })).toEqual({
      kind: 'uri',
      uri: 'tel:+4930123',
    });
    expect(externalTarget('0301234', { scheme: 'tel', requestUri })).toEqual({
      kind: 'uri',
      uri: 'tel:0301234;phone-context=pbx.example.com',
    });
  });

  it('refuses text that is neither a number nor a URI', () => {
    expect(externalTarget('call bob', { scheme: 'sip', requestUri })).toBeUndefined();
  });

  it('reads the domain of a SIP URI', () => {
    expect(domainOf('sip:201@10.0.0.1:5062;transport=tcp')).toBe('10.0.0.1:5062');
    expect(domainOf('tel:+1')).toBeUndefined();
  });
});
