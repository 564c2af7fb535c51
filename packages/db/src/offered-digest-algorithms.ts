import type { OfferedDigestAlgorithm } from './generated/prisma/enums.js';
import type { DigestAlgorithm } from './digest-ha1.js';

/** The SIP token (RFC 8760) of a stored `OfferedDigestAlgorithm`. */
export function digestAlgorithmName(stored: OfferedDigestAlgorithm): DigestAlgorithm {
  return stored === 'SHA_256' ? 'SHA-256' : 'MD5';
}

/** An extension's stored algorithm list as SIP tokens, in order (empty = the global setting). */
export function digestAlgorithmNames(stored: readonly OfferedDigestAlgorithm[]): DigestAlgorithm[] {
  return stored.map(digestAlgorithmName);
}

/** The stored form of SIP algorithm tokens. */
export function storedDigestAlgorithms(names: readonly DigestAlgorithm[]): OfferedDigestAlgorithm[] {
  return names.map((n) => (n === 'SHA-256' ? 'SHA_256' : 'MD5'));
}
