import { describe, expect, it } from 'vitest';
import {
  type AuthResult,
  DigestAuthenticator,
  DigestClient,
  InMemoryNonceCountStore,
  computeHa1Set,
  parseDigestChallenge,
  parseDigestCredentials,
  formatDigestCredentials,
} from '../../src/index.js';

const REALM = 'pbx.example.com';
const SECRET = 'a-test-secret-of-32-bytes-length';
const URI = 'sip:pbx.example.com';

function setup(options: { ttlMs?: number; allowMissingQop?: boolean } = {}) {
  let now = 1_700_000_000_000;
  const users = new Map([['201', computeHa1Set('201', REALM, 'correct horse')]]);
  const lookups: string[] = [];
  const auth = new DigestAuthenticator({
    realm: REALM,
    secret: SECRET,
    nonceCounts: new InMemoryNonceCountStore({ now: () => now }),
    nonceTtlMs: options.ttlMs ?? 60_000,
    now: () => now,
    ...(options.allowMissingQop !== undefined ? { allowMissingQop: options.allowMissingQop } : {}),
    lookupHa1: (user, realm, algorithm) => {
      lookups.push(`${user}@${realm}/${algorithm}`);
      return users.get(user)?.[algorithm];
    },
  });
  return {
    auth,
    lookups,
    advance: (ms: number) => {
      now += ms;
    },
  };
}

function challengeValues(result: AuthResult): string[] {
  if (result.ok) throw new Error('expected a failure');
  return result.headers.map((h) => h.value);
}

function structure(values: string[]) {
  // Everything but the nonce (fresh per challenge) must be identical.
  return values.map((v) => {
    const c = parseDigestChallenge(v);
    return { ...c, nonce: c.nonce.length };
  });
}

describe('DigestAuthenticator challenges', () => {
  it('offers SHA-256 first, then MD5, both qop=auth with the same nonce (RFC 8760 §2.4)', () => {
    const { auth } = setup();
    const headers = auth.challenge('www');
    expect(headers.map((h) => h.name)).toEqual(['WWW-Authenticate', 'WWW-Authenticate']);
    const [sha, md5] = headers.map((h) => parseDigestChallenge(h.value));
    expect(sha).toMatchObject({ realm: REALM, algorithm: 'SHA-256', qop: ['auth'] });
    expect(md5).toMatchObject({ realm: REALM, algorithm: 'MD5', qop: ['auth'] });
    expect(sha?.nonce).toBe(md5?.nonce);
    expect(sha?.stale).toBeUndefined();
    expect(auth.challenge('proxy').map((h) => h.name)).toEqual(['Proxy-Authenticate', 'Proxy-Authenticate']);
  });

  it('answers a request without credentials with 401 + challenge', async () => {
    const { auth } = setup();
    const r = await auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: [] });
    expect(r).toMatchObject({ ok: false, reason: 'missing-credentials', status: 401 });
    expect(await auth.verify('proxy', { method: 'INVITE', requestUri: URI, credentials: [] })).toMatchObject({
      status: 407,
    });
  });
});

describe('DigestAuthenticator per-request algorithms (an account setting)', () => {
  it("offers only the request's algorithms and refuses credentials with another one", async () => {
    const { auth } = setup();
    const md5Only = { algorithms: ['MD5'] as const };
    const first = await auth.verify('www', {
      method: 'REGISTER',
      requestUri: URI,
      credentials: [],
      ...md5Only,
    });
    const offered = challengeValues(first).map((v) => parseDigestChallenge(v).algorithm);
    expect(offered).toEqual(['MD5']);
    // A SHA-256 answer (to an earlier default challenge) is not accepted for an MD5-only account.
    const client = new DigestClient({ username: '201', password: 'correct horse' });
    const sha = client.answer(
      401,
      challengeValues(await auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: [] })),
      {
        method: 'REGISTER',
        uri: URI,
      },
    );
    const refused = await auth.verify('www', {
      method: 'REGISTER',
      requestUri: URI,
      credentials: sha.map((c) => c.value),
      ...md5Only,
    });
    expect(refused).toMatchObject({ ok: false, reason: 'unsupported-algorithm' });
    const md5 = new DigestClient({ username: '201', password: 'correct horse' }).answer(
      401,
      challengeValues(first),
      {
        method: 'REGISTER',
        uri: URI,
      },
    );
    expect(
      await auth.verify('www', {
        method: 'REGISTER',
        requestUri: URI,
        credentials: md5.map((c) => c.value),
        ...md5Only,
      }),
    ).toEqual({ ok: true, username: '201', algorithm: 'MD5' });
  });
});

describe('DigestAuthenticator verification', () => {
  async function roundTrip(
    auth: DigestAuthenticator,
    user: string,
    password: string,
    pick: (values: string[]) => string[] = (v) => v,
  ) {
    const client = new DigestClient({ username: user, password });
    const first = await auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: [] });
    const creds = client.answer(401, pick(challengeValues(first)), { method: 'REGISTER', uri: URI });
    return {
      creds,
      result: await auth.verify('www', {
        method: 'REGISTER',
        requestUri: URI,
        credentials: creds.map((c) => c.value),
      }),
    };
  }

  it('accepts a client that picks SHA-256 (listed first)', async () => {
    const { auth } = setup();
    const { creds, result } = await roundTrip(auth, '201', 'correct horse');
    expect(parseDigestCredentials(creds[0]?.value ?? '').algorithm).toBe('SHA-256');
    expect(result).toEqual({ ok: true, username: '201', algorithm: 'SHA-256' });
  });

  it('accepts an MD5-only client', async () => {
    const { auth } = setup();
    const { result } = await roundTrip(auth, '201', 'correct horse', (v) =>
      v.filter((x) => x.includes('MD5')),
    );
    expect(result).toEqual({ ok: true, username: '201', algorithm: 'MD5' });
  });

  it('gives the same failure for an unknown user and a wrong password, after the same HA1 lookup', async () => {
    const { auth, lookups } = setup();
    const wrong = await roundTrip(auth, '201', 'wrong');
    const unknown = await roundTrip(auth, '999', 'correct horse');
    for (const r of [wrong.result, unknown.result]) {
      expect(r).toMatchObject({ ok: false, reason: 'invalid-credentials', status: 401 });
    }
    expect(structure(challengeValues(wrong.result))).toEqual(structure(challengeValues(unknown.result)));
    expect(lookups).toEqual([`201@${REALM}/SHA-256`, `999@${REALM}/SHA-256`]);
  });

  it('rejects a replayed nonce count and asks for a fresh nonce with stale=true', async () => {
    const { auth } = setup();
    const { creds, result } = await roundTrip(auth, '201', 'correct horse');
    expect(result.ok).toBe(true);
    const replay = await auth.verify('www', {
      method: 'REGISTER',
      requestUri: URI,
      credentials: creds.map((c) => c.value),
    });
    expect(replay).toMatchObject({ ok: false, reason: 'replayed-nonce-count' });
    expect(parseDigestChallenge(challengeValues(replay)[0] ?? '').stale).toBe(true);
  });

  it("marks the nonce count in the request's own store when it brings one, not the authenticator's", async () => {
    const { auth } = setup();
    const { creds, result } = await roundTrip(auth, '201', 'correct horse');
    expect(result.ok).toBe(true);
    const marked: string[] = [];
    const own = {
      markUsed: (nonce: string, nc: number) => {
        marked.push(`${nonce}/${nc}`);
        return Promise.resolve(marked.length === 1);
      },
    };
    const request = { method: 'REGISTER', requestUri: URI, credentials: creds.map((c) => c.value) };
    // The authenticator's store saw nc 1 already; this request's store decides alone.
    expect((await auth.verify('www', { ...request, nonceCounts: own })).ok).toBe(true);
    expect(await auth.verify('www', { ...request, nonceCounts: own })).toMatchObject({
      ok: false,
      reason: 'replayed-nonce-count',
    });
    const nonce = parseDigestCredentials(creds[0]?.value ?? '').nonce;
    expect(marked).toEqual([`${nonce}/1`, `${nonce}/1`]);
  });

  it('accepts the next nonce count on the same nonce', async () => {
    const { auth } = setup();
    const client = new DigestClient({ username: '201', password: 'correct horse' });
    const challenge = auth.challenge('www').map((h) => h.value);
    for (const expectedNc of ['00000001', '00000002']) {
      const creds = client.answer(401, challenge, { method: 'REGISTER', uri: URI });
      expect(parseDigestCredentials(creds[0]?.value ?? '').nc).toBe(expectedNc);
      const r = await auth.verify('www', {
        method: 'REGISTER',
        requestUri: URI,
        credentials: creds.map((c) => c.value),
      });
      expect(r.ok).toBe(true);
    }
  });

  it('reports an expired nonce with a correct digest as stale=true', async () => {
    const { auth, advance } = setup({ ttlMs: 30_000 });
    const client = new DigestClient({ username: '201', password: 'correct horse' });
    const challenge = auth.challenge('www').map((h) => h.value);
    advance(30_001);
    const creds = client.answer(401, challenge, { method: 'REGISTER', uri: URI }).map((c) => c.value);
    const r = await auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: creds });
    expect(r).toMatchObject({ ok: false, reason: 'stale-nonce' });
    expect(challengeValues(r).map((v) => parseDigestChallenge(v).stale)).toEqual([true, true]);
  });

  it('does not say stale for an expired nonce with a wrong password', async () => {
    const { auth, advance } = setup({ ttlMs: 30_000 });
    const client = new DigestClient({ username: '201', password: 'nope' });
    const challenge = auth.challenge('www').map((h) => h.value);
    advance(60_000);
    const creds = client.answer(401, challenge, { method: 'REGISTER', uri: URI }).map((c) => c.value);
    const r = await auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: creds });
    expect(r).toMatchObject({ ok: false, reason: 'invalid-credentials' });
    expect(parseDigestChallenge(challengeValues(r)[0] ?? '').stale).toBeUndefined();
  });

  it('rejects a forged nonce (bad HMAC) from another deployment', async () => {
    const { auth } = setup();
    const other = new DigestAuthenticator({
      realm: REALM,
      secret: 'another-secret-of-enough-length!',
      lookupHa1: () => undefined,
      nonceCounts: new InMemoryNonceCountStore(),
    });
    const client = new DigestClient({ username: '201', password: 'correct horse' });
    const creds = client.answer(
      401,
      other.challenge('www').map((h) => h.value),
      { method: 'REGISTER', uri: URI },
    );
    const r = await auth.verify('www', {
      method: 'REGISTER',
      requestUri: URI,
      credentials: creds.map((c) => c.value),
    });
    expect(r).toMatchObject({ ok: false, reason: 'bad-nonce' });
  });

  it('rejects credentials for another Request-URI', async () => {
    const { auth } = setup();
    const client = new DigestClient({ username: '201', password: 'correct horse' });
    const creds = client.answer(
      401,
      auth.challenge('www').map((h) => h.value),
      { method: 'REGISTER', uri: 'sip:evil' },
    );
    const r = await auth.verify('www', {
      method: 'REGISTER',
      requestUri: URI,
      credentials: creds.map((c) => c.value),
    });
    expect(r).toMatchObject({ ok: false, reason: 'uri-mismatch' });
  });

  it('rejects missing qop unless allowed, and accepts RFC 2069 credentials when allowed', async () => {
    const strict = setup().auth;
    const lax = setup({ allowMissingQop: true }).auth;
    for (const [auth, expected] of [
      [strict, { ok: false, reason: 'missing-qop' }],
      [lax, { ok: true, username: '201', algorithm: 'MD5' }],
    ] as const) {
      const nonce = parseDigestChallenge(auth.challenge('www')[0]?.value ?? '').nonce;
      const client = new DigestClient({ username: '201', password: 'correct horse' });
      const creds = client.answer(401, [`Digest realm="${REALM}", nonce="${nonce}"`], {
        method: 'REGISTER',
        uri: URI,
      });
      const r = await auth.verify('www', {
        method: 'REGISTER',
        requestUri: URI,
        credentials: creds.map((c) => c.value),
      });
      expect(r).toMatchObject(expected);
    }
  });

  it('answers malformed credentials with a challenge, never a throw', async () => {
    const { auth } = setup();
    for (const bad of ['Digest', 'Digest username="201', 'Basic Zm9vOmJhcg==', 'Digest a=b,,c=d', '']) {
      const r = await auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: [bad] });
      expect(r.ok).toBe(false);
      expect(r.ok ? 0 : r.headers.length).toBe(2);
    }
  });

  it('rejects a response of the wrong length or an unsupported algorithm', async () => {
    const { auth } = setup();
    const nonce = parseDigestChallenge(auth.challenge('www')[0]?.value ?? '').nonce;
    const base = { username: '201', realm: REALM, nonce, uri: URI, qop: 'auth', nc: '00000001', cnonce: 'x' };
    const short = formatDigestCredentials({ ...base, response: 'abc', algorithm: 'SHA-256' });
    const sha512 = formatDigestCredentials({ ...base, response: 'a'.repeat(64), algorithm: 'SHA-512-256' });
    const verify = (v: string) =>
      auth.verify('www', { method: 'REGISTER', requestUri: URI, credentials: [v] });
    expect(await verify(short)).toMatchObject({ ok: false, reason: 'invalid-credentials' });
    expect(await verify(sha512)).toMatchObject({ ok: false, reason: 'unsupported-algorithm' });
  });

  it('ignores credentials for other realms', async () => {
    const { auth } = setup();
    const other = 'Digest username="a", realm="elsewhere", nonce="n", uri="sip:x", response="00"';
    const r = await auth.verify('proxy', { method: 'INVITE', requestUri: URI, credentials: [other] });
    expect(r).toMatchObject({ ok: false, reason: 'missing-credentials', status: 407 });
  });
});
