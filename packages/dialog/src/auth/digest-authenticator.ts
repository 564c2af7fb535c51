import { createHmac, timingSafeEqual } from 'node:crypto';
import { type DigestBaseAlgorithm, digestHexLength, parseDigestAlgorithm } from './digest-algorithm.js';
import { formatDigestChallenge } from './digest-challenge.js';
import { type DigestCredentials, parseDigestCredentials } from './digest-credentials.js';
import { DigestConfigError, DigestParseError } from './digest-errors.js';
import { NonceIssuer } from './digest-nonce.js';
import { computeDigestResponse } from './digest-response.js';
import { type NonceCountStore } from './nonce-count-store.js';

/** Looks up the stored HA1 (H(user:realm:password)) of an account for one algorithm; undefined if unknown. */
export type Ha1Lookup = (
  username: string,
  realm: string,
  algorithm: DigestBaseAlgorithm,
) => Promise<string | undefined> | string | undefined;

/** 401 with WWW-Authenticate (registrar / UAS) or 407 with Proxy-Authenticate (proxy-like B2BUA leg). */
export type ChallengeKind = 'www' | 'proxy';

export interface DigestAuthenticatorOptions {
  realm: string;
  /** HMAC secret for stateless nonces (shared by every process of the deployment), at least 16 bytes. */
  secret: Uint8Array | string;
  lookupHa1: Ha1Lookup;
  nonceCounts: NonceCountStore;
  /** Nonce lifetime; default 5 minutes. */
  nonceTtlMs?: number;
  /** Offered algorithms in order of preference; default SHA-256 then MD5 (RFC 8760 §2.4). */
  algorithms?: readonly DigestBaseAlgorithm[];
  /** Accept RFC 2069-style credentials without qop (no replay protection beyond expiry). Default false. */
  allowMissingQop?: boolean;
  /** Wall-clock epoch milliseconds. */
  now?: () => number;
  random?: (bytes: number) => Uint8Array;
}

export interface AuthRequest {
  method: string;
  /** The Request-URI as sent; the credentials' `uri` must equal it (RFC 7616 §3.4.6). */
  requestUri: string;
  /** Values of every Authorization (kind www) or Proxy-Authorization (kind proxy) header of the request. */
  credentials: readonly string[];
  /**
   * The algorithms to offer and accept for this request, in order (e.g. an account's own setting,
   * for phones that fail on a challenge they cannot answer); default the authenticator's.
   */
  algorithms?: readonly DigestBaseAlgorithm[];
  /**
   * Where this request's nonce count is marked used; default the authenticator's. A caller that
   * settles the outcome in one atomic step of its own (e.g. with a lock-out check) records the
   * count there and answers `replayed` itself.
   */
  nonceCounts?: NonceCountStore;
}

export interface AuthHeader {
  name: 'WWW-Authenticate' | 'Proxy-Authenticate';
  value: string;
}

/** Why a request was refused; for logs only — the response on the wire does not reveal it. */
export type AuthFailureReason =
  | 'missing-credentials'
  | 'malformed-credentials'
  | 'bad-nonce'
  | 'stale-nonce'
  | 'replayed-nonce-count'
  | 'missing-qop'
  | 'unsupported-algorithm'
  | 'uri-mismatch'
  | 'invalid-credentials';

export type AuthResult =
  | { ok: true; username: string; algorithm: DigestBaseAlgorithm }
  | {
      ok: false;
      reason: AuthFailureReason;
      /** 401 or 407 according to the kind. */
      status: 401 | 407;
      /** The challenge headers to put in the response (one per algorithm, preferred first). */
      headers: AuthHeader[];
      /** The username the client claimed, if readable (for rate limiting; never echo it to the client). */
      claimedUsername?: string;
    };

const NC_PATTERN_LENGTH = 8;

function parseNc(nc: string): number | undefined {
  if (nc.length !== NC_PATTERN_LENGTH) return undefined;
  let n = 0;
  for (let i = 0; i < nc.length; i++) {
    const d = parseInt(nc[i] ?? '', 16);
    if (Number.isNaN(d)) return undefined;
    n = n * 16 + d;
  }
  return n;
}

/**
 * Server side of SIP digest authentication (RFC 3261 §22.4, RFC 7616, RFC 8760).
 * Unknown users and wrong passwords take the same path (a dummy HA1) and get the same challenge,
 * so extension numbers cannot be enumerated by response or (cryptographic) timing.
 */
export class DigestAuthenticator {
  readonly realm: string;
  private readonly nonces: NonceIssuer;
  private readonly algorithms: readonly DigestBaseAlgorithm[];
  private readonly dummyKey: Buffer;

  constructor(private readonly options: DigestAuthenticatorOptions) {
    this.realm = options.realm;
    this.algorithms = options.algorithms ?? ['SHA-256', 'MD5'];
    if (this.algorithms.length === 0) throw new DigestConfigError('at least one algorithm must be offered');
    this.nonces = new NonceIssuer({
      secret: options.secret,
      realm: options.realm,
      ttlMs: options.nonceTtlMs ?? 300_000,
      ...(options.now ? { now: options.now } : {}),
      ...(options.random ? { random: options.random } : {}),
    });
    this.dummyKey = createHmac('sha256', Buffer.from(options.secret)).update('dummy-ha1').digest();
  }

  /** Challenge headers for a request that carried no credentials (one per algorithm, same nonce). */
  challenge(
    kind: ChallengeKind,
    stale = false,
    algorithms: readonly DigestBaseAlgorithm[] = this.algorithms,
  ): AuthHeader[] {
    const name = kind === 'www' ? 'WWW-Authenticate' : 'Proxy-Authenticate';
    const nonce = this.nonces.issue();
    return algorithms.map((algorithm) => ({
      name,
      value: formatDigestChallenge({
        realm: this.realm,
        nonce,
        algorithm,
        qop: ['auth'],
        ...(stale ? { stale: true } : {}),
      }),
    }));
  }

  /** Verifies the request's credentials for this realm. Never throws on bad input. */
  async verify(kind: ChallengeKind, request: AuthRequest): Promise<AuthResult> {
    const offered =
      request.algorithms && request.algorithms.length > 0 ? request.algorithms : this.algorithms;
    const fail = (reason: AuthFailureReason, stale = false, claimedUsername?: string): AuthResult => ({
      ok: false,
      reason,
      status: kind === 'www' ? 401 : 407,
      headers: this.challenge(kind, stale, offered),
      ...(claimedUsername !== undefined ? { claimedUsername } : {}),
    });

    const creds = this.pickCredentials(request.credentials);
    if (creds === undefined) return fail('missing-credentials');
    if (creds === 'malformed') return fail('malformed-credentials');
    const user = creds.username;

    const algorithm = parseDigestAlgorithm(creds.algorithm);
    if (algorithm !== 'MD5' && algorithm !== 'SHA-256') return fail('unsupported-algorithm', false, user);
    if (!offered.includes(algorithm)) return fail('unsupported-algorithm', false, user);
    if (creds.qop === undefined && !this.options.allowMissingQop) return fail('missing-qop', false, user);
    if (creds.qop !== undefined && creds.qop.toLowerCase() !== 'auth')
      return fail('missing-qop', false, user);
    const nc = creds.nc === undefined ? undefined : parseNc(creds.nc);
    if (creds.nc !== undefined && nc === undefined) return fail('malformed-credentials', false, user);

    const nonce = this.nonces.check(creds.nonce);
    if (nonce.status === 'invalid') return fail('bad-nonce', false, user);
    if (creds.uri !== request.requestUri) return fail('uri-mismatch', false, user);

    const stored = await this.options.lookupHa1(user, this.realm, algorithm);
    const ha1 = stored ?? this.dummyHa1(algorithm, user);
    const expected = computeDigestResponse({
      algorithm,
      ha1,
      nonce: creds.nonce,
      method: request.method,
      uri: creds.uri,
      ...(creds.qop !== undefined ? { qop: 'auth' as const, nc: creds.nc, cnonce: creds.cnonce } : {}),
    });
    const matches = constantTimeHexEqual(expected, creds.response, digestHexLength(algorithm));
    if (!matches || stored === undefined) return fail('invalid-credentials', false, user);

    // RFC 7616 §3.3: stale=true only when the digest was right but the nonce is old, so the UA
    // retries with the new nonce without asking its user for the password again.
    if (nonce.status === 'stale') return fail('stale-nonce', true, user);
    const nonceCounts = request.nonceCounts ?? this.options.nonceCounts;
    if (nc !== undefined && !(await nonceCounts.markUsed(creds.nonce, nc, nonce.expiresAt))) {
      return fail('replayed-nonce-count', true, user);
    }
    return { ok: true, username: user, algorithm };
  }

  private pickCredentials(values: readonly string[]): DigestCredentials | 'malformed' | undefined {
    let malformed = false;
    for (const value of values) {
      let creds: DigestCredentials;
      try {
        creds = parseDigestCredentials(value);
      } catch (e) {
        if (e instanceof DigestParseError) {
          malformed = true;
          continue;
        }
        throw e;
      }
      // Credentials for other realms belong to other proxies on the path (RFC 3261 §22.3).
      if (creds.realm === this.realm) return creds;
    }
    return malformed ? 'malformed' : undefined;
  }

  private dummyHa1(algorithm: DigestBaseAlgorithm, username: string): string {
    const h = createHmac('sha256', this.dummyKey).update(`${algorithm}:${username}`).digest('hex');
    return h.slice(0, digestHexLength(algorithm));
  }
}

/** Compares hex strings in time independent of where they differ (lower-case normalised). */
function constantTimeHexEqual(expected: string, actual: string, length: number): boolean {
  const a = Buffer.from(expected, 'latin1');
  const b = Buffer.from(
    actual.length === length ? actual.toLowerCase() : expected.replace(/./g, 'x'),
    'latin1',
  );
  return timingSafeEqual(a, b) && actual.length === length;
}
