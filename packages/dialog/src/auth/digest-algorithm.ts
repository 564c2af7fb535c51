import { createHash } from 'node:crypto';

/** Algorithms we compute (RFC 7616 §3.2 and RFC 8760 §2.2); the "-sess" forms only on the client side. */
export type DigestAlgorithm = 'MD5' | 'MD5-sess' | 'SHA-256' | 'SHA-256-sess';
/** Algorithms a server offers and stores HA1 values for. */
export type DigestBaseAlgorithm = 'MD5' | 'SHA-256';

const KNOWN: Record<string, DigestAlgorithm> = {
  md5: 'MD5',
  'md5-sess': 'MD5-sess',
  'sha-256': 'SHA-256',
  'sha-256-sess': 'SHA-256-sess',
};

/** Maps an `algorithm` parameter (case-insensitive, absent = MD5 per RFC 7616 §3.3) to a known algorithm. */
export function parseDigestAlgorithm(value: string | undefined): DigestAlgorithm | undefined {
  if (value === undefined) return 'MD5';
  return KNOWN[value.toLowerCase()];
}

export function baseAlgorithm(algorithm: DigestAlgorithm): DigestBaseAlgorithm {
  return algorithm.startsWith('SHA-256') ? 'SHA-256' : 'MD5';
}

export function isSessionAlgorithm(algorithm: DigestAlgorithm): boolean {
  return algorithm.endsWith('-sess');
}

/** Lower-case hex digest of a UTF-8 string with the algorithm's hash function. */
export function digestHash(algorithm: DigestAlgorithm, data: string | Uint8Array): string {
  return createHash(baseAlgorithm(algorithm) === 'SHA-256' ? 'sha256' : 'md5')
    .update(data)
    .digest('hex');
}

/** Length in hex characters of a hash produced by the algorithm. */
export function digestHexLength(algorithm: DigestAlgorithm): number {
  return baseAlgorithm(algorithm) === 'SHA-256' ? 64 : 32;
}
