import { randomHex64 } from '@switchboard/sip';
import { MAGIC_COOKIE } from '../matching/transaction-key.js';

/** A fresh RFC 3261 branch: magic cookie plus 64 random bits (§8.1.1.7) from the pooled CSPRNG. */
export function newBranch(): string {
  return MAGIC_COOKIE + randomHex64();
}
