import { createHash } from 'node:crypto';

import { describe, expect, it } from 'vitest';

import { computeDigestCredentials, digestHa1, DigestInputError } from '../src/digest-ha1.js';

const md5 = (s: string): string => createHash('md5').update(s).digest('hex');
const sha256 = (s: string): string => createHash('sha256').update(s).digest('hex');

describe('digestHa1', () => {
  it('matches the RFC 2617 §3.5 example HA1', () => {
    expect(digestHa1('MD5', 'Mufasa', 'testrealm@host.com', 'Circle Of Life')).toBe(
      '939e7578ed9e3c518a452acee763bce9',
    );
  });

  // RFC 7616 §3.9.1: the response computed from our stored HA1 must equal the RFC's published response.
  const rfc7616 = {
    username: 'Mufasa',
    realm: 'http-auth@example.org',
    password: 'Circle of Life',
    nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
    cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
    nc: '00000001',
    qop: 'auth',
    method: 'GET',
    uri: '/dir/index.html',
  };

  it('gives the RFC 7616 §3.9.1 MD5 response', () => {
    const v = rfc7616;
    const ha1 = digestHa1('MD5', v.username, v.realm, v.password);
    const response = md5(`${ha1}:${v.nonce}:${v.nc}:${v.cnonce}:${v.qop}:${md5(`${v.method}:${v.uri}`)}`);
    expect(response).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('gives the RFC 7616 §3.9.1 SHA-256 response', () => {
    const v = rfc7616;
    const ha1 = digestHa1('SHA-256', v.username, v.realm, v.password);
    const response = sha256(
      `${ha1}:${v.nonce}:${v.nc}:${v.cnonce}:${v.qop}:${sha256(`${v.method}:${v.uri}`)}`,
    );
    expect(response).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('hashes non-ASCII input as UTF-8 (RFC 7616 §4), not Latin-1', () => {
    const utf8 = createHash('md5').update(Buffer.from('200:pbx:pässwörd', 'utf8')).digest('hex');
    const latin1 = createHash('md5').update(Buffer.from('200:pbx:pässwörd', 'latin1')).digest('hex');
    expect(digestHa1('MD5', '200', 'pbx', 'pässwörd')).toBe(utf8);
    expect(utf8).not.toBe(latin1);
  });

  it('refuses empty username, realm or password with a typed error', () => {
    expect(() => digestHa1('MD5', '', 'pbx', 'x')).toThrow(DigestInputError);
    expect(() => digestHa1('SHA-256', '200', '', 'x')).toThrow(/realm/);
    expect(() => digestHa1('MD5', '200', 'pbx', '')).toThrow(/password/);
  });
});

describe('computeDigestCredentials', () => {
  it('returns the realm and both HA1 values as lower-case hex of the right length', () => {
    const c = computeDigestCredentials('201', 'switchboard', 's3cret');
    expect(c.sipRealm).toBe('switchboard');
    expect(c.ha1Md5).toBe(md5('201:switchboard:s3cret'));
    expect(c.ha1Sha256).toBe(sha256('201:switchboard:s3cret'));
    expect(c.ha1Md5).toMatch(/^[0-9a-f]{32}$/);
    expect(c.ha1Sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});
