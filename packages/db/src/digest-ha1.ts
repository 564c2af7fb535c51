import { createHash } from 'node:crypto';

import { DbError } from './db-errors.js';

/** Digest algorithms whose HA1 we store (RFC 7616 §3.4.2; RFC 8760 brings SHA-256 to SIP). */
export type DigestAlgorithm = 'MD5' | 'SHA-256';

/** The columns Extension keeps instead of a SIP password. */
export interface DigestCredentials {
  readonly sipRealm: string;
  readonly ha1Md5: string;
  readonly ha1Sha256: string;
}

export class DigestInputError extends DbError {
  constructor(message: string) {
    super('DIGEST_INPUT_INVALID', message);
  }
}

/**
 * HA1 = H(username ":" realm ":" password) as lower-case hex, RFC 7616 §3.4.2 (non "-sess" variant).
 * Strings are hashed as UTF-8 (RFC 7616 §4: charset=UTF-8).
 */
export function digestHa1(
  algorithm: DigestAlgorithm,
  username: string,
  realm: string,
  password: string,
): string {
  if (username === '') throw new DigestInputError('digest username must not be empty');
  if (realm === '') throw new DigestInputError('digest realm must not be empty');
  if (password === '') throw new DigestInputError('SIP password must not be empty');
  const hash = algorithm === 'MD5' ? 'md5' : 'sha256';
  return createHash(hash).update(`${username}:${realm}:${password}`, 'utf8').digest('hex');
}

/** HA1 for every algorithm we serve, ready to store on an Extension (username = extension number). */
export function computeDigestCredentials(
  username: string,
  realm: string,
  password: string,
): DigestCredentials {
  return {
    sipRealm: realm,
    ha1Md5: digestHa1('MD5', username, realm, password),
    ha1Sha256: digestHa1('SHA-256', username, realm, password),
  };
}
