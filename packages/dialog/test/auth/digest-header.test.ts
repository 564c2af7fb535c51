import { describe, expect, it } from 'vitest';
import {
  DigestParseError,
  InMemoryNonceCountStore,
  NonceIssuer,
  formatDigestChallenge,
  parseAuthParams,
  parseDigestChallenge,
  parseDigestCredentials,
} from '../../src/index.js';

describe('auth header values', () => {
  it('parses quoted values with escapes, lower-cases names, tolerates LWS', () => {
    const p = parseAuthParams('Digest  Realm = "a \\"b\\" c" ,\r\n NONCE="x,y", qop=auth');
    expect(p.scheme).toBe('Digest');
    expect([...p.params]).toEqual([
      ['realm', 'a "b" c'],
      ['nonce', 'x,y'],
      ['qop', 'auth'],
    ]);
  });

  it('round-trips a challenge with stale and escaped realm', () => {
    const c = { realm: 'r "q"', nonce: 'n', algorithm: 'SHA-256', qop: ['auth'], stale: true, opaque: 'o' };
    expect(parseDigestChallenge(formatDigestChallenge(c))).toEqual(c);
    expect(formatDigestChallenge(c)).toBe(
      'Digest realm="r \\"q\\"", nonce="n", opaque="o", stale=true, algorithm=SHA-256, qop="auth"',
    );
  });

  it.each([
    ['', 'expected an auth scheme'],
    ['Digest', 'no auth parameters'],
    ['Digest realm', 'expected "="'],
    ['Digest realm="x', 'unterminated quoted string'],
    ['Digest realm="x", realm="y"', 'duplicate parameter realm'],
    ['Digest realm="x",', 'trailing ","'],
    ['Digest realm="x" nonce="y"', 'expected ","'],
  ])('rejects %j with a typed error (%s)', (input, reason) => {
    expect(() => parseAuthParams(input)).toThrow(DigestParseError);
    expect(() => parseAuthParams(input)).toThrow(reason);
  });

  it('requires realm and nonce in challenges, and qop/nc/cnonce together in credentials', () => {
    expect(() => parseDigestChallenge('Digest nonce="n"')).toThrow('missing realm');
    expect(() => parseDigestChallenge('Basic realm="r"')).toThrow('unsupported scheme');
    expect(() =>
      parseDigestCredentials(
        'Digest username="u", realm="r", nonce="n", uri="sip:a", response="r", qop=auth',
      ),
    ).toThrow('qop, nc and cnonce must appear together');
  });

  it('parses many parameters, and refuses values over 8 KiB or unterminated escapes with the typed error', () => {
    const many = 'Digest ' + Array.from({ length: 800 }, (_, i) => `p${i}="v"`).join(', ');
    expect(parseAuthParams(many).params.size).toBe(800);
    expect(() => parseAuthParams(many + ', x="' + 'y'.repeat(8192) + '"')).toThrow('value too long');
    expect(() => parseAuthParams('Digest a="' + '\\'.repeat(9000))).toThrow(DigestParseError);
  });
});

describe('NonceIssuer', () => {
  it('issues 43-character nonces that verify, go stale after the TTL, and fail when tampered', () => {
    let now = 1_000_000;
    const issuer = new NonceIssuer({
      secret: 'sixteen-bytes-at-least',
      realm: 'r',
      ttlMs: 1000,
      now: () => now,
    });
    const nonce = issuer.issue();
    expect(nonce).toHaveLength(43);
    expect(issuer.check(nonce)).toEqual({ status: 'valid', issuedAt: 1_000_000, expiresAt: 1_001_000 });
    now += 1001;
    expect(issuer.check(nonce).status).toBe('stale');
    const flipped = (nonce[0] === 'A' ? 'B' : 'A') + nonce.slice(1);
    expect(issuer.check(flipped).status).toBe('invalid');
    expect(issuer.check('short').status).toBe('invalid');
    const otherRealm = new NonceIssuer({
      secret: 'sixteen-bytes-at-least',
      realm: 'r2',
      ttlMs: 1000,
      now: () => now,
    });
    expect(otherRealm.check(nonce).status).toBe('invalid');
  });

  it('refuses a short secret', () => {
    expect(() => new NonceIssuer({ secret: 'short', realm: 'r', ttlMs: 1 })).toThrow('at least 16 bytes');
  });
});

describe('InMemoryNonceCountStore', () => {
  it('accepts each nc once per nonce, in any order, and forgets expired nonces', async () => {
    let now = 0;
    const store = new InMemoryNonceCountStore({ now: () => now, maxNonces: 2 });
    expect(await store.markUsed('a', 2, 100)).toBe(true);
    expect(await store.markUsed('a', 1, 100)).toBe(true);
    expect(await store.markUsed('a', 2, 100)).toBe(false);
    expect(await store.markUsed('b', 1, 50)).toBe(true);
    now = 60;
    expect(await store.markUsed('c', 1, 200)).toBe(true);
    expect(store.size).toBe(2);
    expect(await store.markUsed('a', 1, 100)).toBe(false);
  });
});
