import { randomBytes } from 'node:crypto';
import { type DigestAlgorithm, baseAlgorithm, parseDigestAlgorithm } from './digest-algorithm.js';
import { type DigestChallenge, parseDigestChallenge } from './digest-challenge.js';
import { formatDigestCredentials } from './digest-credentials.js';
import { DigestParseError } from './digest-errors.js';
import { type DigestQop, computeDigestResponse, computeHa1 } from './digest-response.js';

export interface DigestClientOptions {
  username: string;
  /** The password, or precomputed HA1 values per algorithm (then the password need not be kept). */
  password?: string;
  ha1?: Partial<Record<'MD5' | 'SHA-256', string>>;
  /** Realms we answer for; default: any realm. */
  realms?: readonly string[];
  /** Client nonce generator; default 16 random bytes, base64url. */
  cnonce?: () => string;
}

export interface ChallengedRequest {
  method: string;
  /** The Request-URI of the request being retried. */
  uri: string;
  /** The body, only needed if the server asks for qop=auth-int. */
  body?: Uint8Array | string;
}

export interface AuthorizationHeader {
  name: 'Authorization' | 'Proxy-Authorization';
  value: string;
}

const PREFERENCE: readonly DigestAlgorithm[] = ['SHA-256', 'SHA-256-sess', 'MD5', 'MD5-sess'];

/**
 * Client side of digest authentication: answers 401/407 challenges for outgoing requests
 * (trunk registrations and calls, tests). Keeps the nonce count per nonce so a reused nonce gets nc+1.
 */
export class DigestClient {
  private readonly ncByNonce = new Map<string, number>();
  private readonly cnonce: () => string;

  constructor(private readonly options: DigestClientOptions) {
    if (options.password === undefined && options.ha1 === undefined) {
      throw new TypeError('DigestClient needs a password or HA1 values');
    }
    this.cnonce = options.cnonce ?? (() => randomBytes(16).toString('base64url'));
  }

  /**
   * Builds the credential headers answering a 401 (WWW-Authenticate values) or 407 (Proxy-Authenticate values):
   * one per realm, using the first challenge per realm whose algorithm we support (RFC 8760 §2.4: the server
   * lists its preferred algorithm first). Challenges we cannot parse or answer are skipped; the result is
   * empty when nothing can be answered (the caller then gives up with the original response).
   */
  answer(
    status: 401 | 407,
    challenges: readonly string[],
    request: ChallengedRequest,
  ): AuthorizationHeader[] {
    const name = status === 401 ? 'Authorization' : 'Proxy-Authorization';
    const byRealm = new Map<string, { challenge: DigestChallenge; algorithm: DigestAlgorithm }>();
    for (const value of challenges) {
      const parsed = this.parse(value);
      if (!parsed || byRealm.has(parsed.challenge.realm)) continue;
      if (this.options.realms && !this.options.realms.includes(parsed.challenge.realm)) continue;
      byRealm.set(parsed.challenge.realm, parsed);
    }
    const out: AuthorizationHeader[] = [];
    for (const { challenge, algorithm } of byRealm.values()) {
      const value = this.respond(challenge, algorithm, request);
      if (value !== undefined) out.push({ name, value });
    }
    return out;
  }

  /** Credentials for one parsed challenge; undefined if its algorithm or qop cannot be answered. */
  respond(
    challenge: DigestChallenge,
    algorithm: DigestAlgorithm,
    request: ChallengedRequest,
  ): string | undefined {
    const ha1 = this.ha1For(algorithm, challenge.realm);
    if (ha1 === undefined) return undefined;
    const qop = this.chooseQop(challenge.qop, request);
    if (qop === null) return undefined;
    const base = {
      username: this.options.username,
      realm: challenge.realm,
      nonce: challenge.nonce,
      uri: request.uri,
      ...(challenge.algorithm !== undefined ? { algorithm: challenge.algorithm } : {}),
      ...(challenge.opaque !== undefined ? { opaque: challenge.opaque } : {}),
    };
    if (qop === undefined && !algorithm.endsWith('-sess')) {
      const response = computeDigestResponse({
        algorithm,
        ha1,
        nonce: challenge.nonce,
        method: request.method,
        uri: request.uri,
      });
      return formatDigestCredentials({ ...base, response });
    }
    const count = (this.ncByNonce.get(challenge.nonce) ?? 0) + 1;
    this.ncByNonce.set(challenge.nonce, count);
    const nc = count.toString(16).padStart(8, '0');
    const cnonce = this.cnonce();
    const response = computeDigestResponse({
      algorithm,
      ha1,
      nonce: challenge.nonce,
      method: request.method,
      uri: request.uri,
      cnonce,
      ...(qop !== undefined ? { qop, nc } : {}),
      ...(request.body !== undefined ? { body: request.body } : {}),
    });
    return formatDigestCredentials({ ...base, response, cnonce, ...(qop !== undefined ? { qop, nc } : {}) });
  }

  private parse(value: string): { challenge: DigestChallenge; algorithm: DigestAlgorithm } | undefined {
    let challenge: DigestChallenge;
    try {
      challenge = parseDigestChallenge(value);
    } catch (e) {
      if (e instanceof DigestParseError) return undefined;
      throw e;
    }
    const algorithm = parseDigestAlgorithm(challenge.algorithm);
    if (algorithm === undefined || !PREFERENCE.includes(algorithm)) return undefined;
    if (this.ha1For(algorithm, challenge.realm) === undefined) return undefined;
    return { challenge, algorithm };
  }

  private ha1For(algorithm: DigestAlgorithm, realm: string): string | undefined {
    const base = baseAlgorithm(algorithm);
    if (this.options.password !== undefined) {
      return computeHa1(base, this.options.username, realm, this.options.password);
    }
    return this.options.ha1?.[base];
  }

  /** auth preferred, auth-int when it is the only option and we have the body; null = cannot answer. */
  private chooseQop(offered: string[] | undefined, request: ChallengedRequest): DigestQop | undefined | null {
    if (offered === undefined) return undefined;
    if (offered.includes('auth')) return 'auth';
    if (offered.includes('auth-int') && request.body !== undefined) return 'auth-int';
    return null;
  }
}
