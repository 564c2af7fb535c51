import {
  type DigestAlgorithm,
  type DigestBaseAlgorithm,
  digestHash,
  isSessionAlgorithm,
} from './digest-algorithm.js';

export type DigestQop = 'auth' | 'auth-int';

/** HA1 = H(username ":" realm ":" password) as stored for an account (RFC 7616 §3.4.2). */
export function computeHa1(
  algorithm: DigestBaseAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  return digestHash(algorithm, `${username}:${realm}:${password}`);
}

/** The HA1 values to store for an account so that both offered algorithms can be verified. */
export function computeHa1Set(
  username: string,
  realm: string,
  password: string,
): Record<DigestBaseAlgorithm, string> {
  return {
    MD5: computeHa1('MD5', username, realm, password),
    'SHA-256': computeHa1('SHA-256', username, realm, password),
  };
}

export interface DigestResponseInput {
  algorithm: DigestAlgorithm;
  /** HA1 of the plain algorithm (H(user:realm:password)); the -sess step is applied here. */
  ha1: string;
  nonce: string;
  method: string;
  /** The digest-uri, i.e. the `uri` parameter (the Request-URI in SIP). */
  uri: string;
  qop?: DigestQop;
  /** Nonce count as 8 hex digits (RFC 7616 §3.4). Required with qop. */
  nc?: string;
  cnonce?: string;
  /** Message body, used only for qop=auth-int. */
  body?: Uint8Array | string;
}

/** The request-digest of RFC 7616 §3.4.1 (and the RFC 2069 form when qop is absent). */
export function computeDigestResponse(input: DigestResponseInput): string {
  const { algorithm, nonce, qop } = input;
  let ha1 = input.ha1;
  if (isSessionAlgorithm(algorithm)) ha1 = digestHash(algorithm, `${ha1}:${nonce}:${input.cnonce ?? ''}`);
  const a2 =
    qop === 'auth-int'
      ? `${input.method}:${input.uri}:${digestHash(algorithm, input.body ?? '')}`
      : `${input.method}:${input.uri}`;
  const ha2 = digestHash(algorithm, a2);
  if (qop === undefined) return digestHash(algorithm, `${ha1}:${nonce}:${ha2}`);
  return digestHash(algorithm, `${ha1}:${nonce}:${input.nc ?? ''}:${input.cnonce ?? ''}:${qop}:${ha2}`);
}
