import { describe, expect, it } from 'vitest';
import {
  DigestClient,
  computeDigestResponse,
  computeHa1,
  formatDigestCredentials,
  parseDigestChallenge,
  parseDigestCredentials,
} from '../../src/index.js';

// RFC 7616 §3.9.1: user "Mufasa", password "Circle of Life", GET /dir/index.html.
const RFC7616 = {
  username: 'Mufasa',
  password: 'Circle of Life',
  realm: 'http-auth@example.org',
  nonce: '7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v',
  cnonce: 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ',
  opaque: 'FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS',
  uri: '/dir/index.html',
  nc: '00000001',
};

describe('RFC 7616 §3.9.1 example', () => {
  it('gives the MD5 response of the RFC', () => {
    const ha1 = computeHa1('MD5', RFC7616.username, RFC7616.realm, RFC7616.password);
    const response = computeDigestResponse({
      algorithm: 'MD5',
      ha1,
      nonce: RFC7616.nonce,
      method: 'GET',
      uri: RFC7616.uri,
      qop: 'auth',
      nc: RFC7616.nc,
      cnonce: RFC7616.cnonce,
    });
    expect(response).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('gives the SHA-256 response of the RFC', () => {
    const ha1 = computeHa1('SHA-256', RFC7616.username, RFC7616.realm, RFC7616.password);
    const response = computeDigestResponse({
      algorithm: 'SHA-256',
      ha1,
      nonce: RFC7616.nonce,
      method: 'GET',
      uri: RFC7616.uri,
      qop: 'auth',
      nc: RFC7616.nc,
      cnonce: RFC7616.cnonce,
    });
    expect(response).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
  });

  it('DigestClient answers the RFC challenge (SHA-256 listed first) with the RFC credentials', () => {
    const challenges = [
      `Digest realm="${RFC7616.realm}", qop="auth, auth-int", algorithm=SHA-256, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
      `Digest realm="${RFC7616.realm}", qop="auth, auth-int", algorithm=MD5, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
    ];
    const client = new DigestClient({
      username: RFC7616.username,
      password: RFC7616.password,
      cnonce: () => RFC7616.cnonce,
    });
    const headers = client.answer(401, challenges, { method: 'GET', uri: RFC7616.uri });
    expect(headers).toHaveLength(1);
    expect(headers[0]?.name).toBe('Authorization');
    const creds = parseDigestCredentials(headers[0]?.value ?? '');
    expect(creds).toEqual({
      username: 'Mufasa',
      realm: RFC7616.realm,
      nonce: RFC7616.nonce,
      uri: RFC7616.uri,
      response: '753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1',
      algorithm: 'SHA-256',
      cnonce: RFC7616.cnonce,
      opaque: RFC7616.opaque,
      qop: 'auth',
      nc: '00000001',
    });
  });

  it('answers the MD5 challenge alone with the RFC MD5 response', () => {
    const client = new DigestClient({
      username: 'Mufasa',
      password: 'Circle of Life',
      cnonce: () => RFC7616.cnonce,
    });
    const [h] = client.answer(
      407,
      [
        `Digest realm="${RFC7616.realm}", qop="auth", algorithm=MD5, nonce="${RFC7616.nonce}", opaque="${RFC7616.opaque}"`,
      ],
      { method: 'GET', uri: RFC7616.uri },
    );
    expect(h?.name).toBe('Proxy-Authorization');
    expect(parseDigestCredentials(h?.value ?? '').response).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });
});

describe('RFC 2617 §3.5 example', () => {
  const challenge =
    'Digest realm="testrealm@host.com", qop="auth,auth-int", nonce="dcd98b7102dd2f0e8b11d0f600bfb0c093", opaque="5ccc069c403ebaf9f0171e9517f40e41"';

  it('parses the RFC challenge', () => {
    expect(parseDigestChallenge(challenge)).toEqual({
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      qop: ['auth', 'auth-int'],
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    });
  });

  it('gives the RFC response 6629fae49393a05397450978507c4ef1', () => {
    const client = new DigestClient({
      username: 'Mufasa',
      password: 'Circle Of Life',
      cnonce: () => '0a4f113b',
    });
    const [h] = client.answer(401, [challenge], { method: 'GET', uri: '/dir/index.html' });
    const creds = parseDigestCredentials(h?.value ?? '');
    expect(creds.response).toBe('6629fae49393a05397450978507c4ef1');
    expect(creds.nc).toBe('00000001');
    expect(creds.cnonce).toBe('0a4f113b');
    expect(creds.qop).toBe('auth');
    expect(creds.algorithm).toBeUndefined();
    expect(creds.opaque).toBe('5ccc069c403ebaf9f0171e9517f40e41');
  });

  it('formats the RFC credentials so that they parse back identically', () => {
    const creds = {
      username: 'Mufasa',
      realm: 'testrealm@host.com',
      nonce: 'dcd98b7102dd2f0e8b11d0f600bfb0c093',
      uri: '/dir/index.html',
      qop: 'auth',
      nc: '00000001',
      cnonce: '0a4f113b',
      response: '6629fae49393a05397450978507c4ef1',
      opaque: '5ccc069c403ebaf9f0171e9517f40e41',
    };
    expect(parseDigestCredentials(formatDigestCredentials(creds))).toEqual(creds);
  });
});
