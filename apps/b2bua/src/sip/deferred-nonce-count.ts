import { randomUUID } from 'node:crypto';
import type { NonceCountStore } from '@switchboard/dialog';
import type { NonceCountMark } from './auth-failure-limiter.js';

/**
 * The nonce-count store of one verification whose outcome is settled afterwards in one Redis step
 * with the lock-out (AuthFailureLimiter.settle): it only remembers the count the authenticator
 * would mark and lets it pass; the settling script marks it (RFC 7616 §3.4 replay protection stays
 * atomic through HSETNX there) and reports a replay.
 */
export class DeferredNonceCount implements NonceCountStore {
  private pending: NonceCountMark | undefined;

  /** The count to mark, once the authenticator asked (a verified digest with an nc). */
  get mark(): NonceCountMark | undefined {
    return this.pending;
  }

  markUsed(nonce: string, nc: number, expiresAt: number): Promise<boolean> {
    this.pending = { nonce, nc, expiresAt, check: randomUUID() };
    return Promise.resolve(true);
  }
}
