import { randomFillSync } from 'node:crypto';
import { MAGIC_COOKIE } from '../matching/transaction-key.js';

// One randomFillSync per 512 identifiers instead of one per call: it showed up in profiles.
const POOL = Buffer.alloc(8 * 512);
let offset = POOL.length;

/** 64 random bits as 16 hex digits, from a pooled CSPRNG buffer. */
export function randomToken(): string {
  if (offset >= POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const token = POOL.toString('hex', offset, offset + 8);
  offset += 8;
  return token;
}

/** A fresh RFC 3261 branch: magic cookie plus 64 random bits (§8.1.1.7). */
export function newBranch(): string {
  return MAGIC_COOKIE + randomToken();
}
