import { createHmac, timingSafeEqual } from 'node:crypto';
import { pooledRandomBytes } from '@switchboard/sip';
import { DigestConfigError } from './digest-errors.js';

/**
 * Stateless nonces: base64url(timestamp(8) | random(8) | HMAC-SHA-256(secret, realm | timestamp | random)[0..16]).
 * Any process that knows the secret can check one, so no nonce table is shared between B2BUA processes;
 * only the nonce counts (replay) need shared state (see NonceCountStore).
 */
export interface NonceIssuerOptions {
  /** HMAC key shared by all processes of a deployment; at least 16 bytes. */
  secret: Uint8Array | string;
  realm: string;
  /** Lifetime of a nonce; older ones are reported stale. */
  ttlMs: number;
  /** Wall-clock milliseconds since the epoch (not the monotonic Clock: nonces cross processes). */
  now?: () => number;
  /** Source of randomness, injectable for tests. */
  random?: (bytes: number) => Uint8Array;
}

export type NonceCheck =
  | { status: 'valid'; issuedAt: number; expiresAt: number }
  | { status: 'stale'; issuedAt: number; expiresAt: number }
  | { status: 'invalid' };

const DATA_BYTES = 16;
const MAC_BYTES = 16;
/** Tolerated clock difference between processes for a nonce that appears to come from the future. */
const FUTURE_SKEW_MS = 5_000;

export class NonceIssuer {
  private readonly secret: Buffer;
  private readonly now: () => number;
  private readonly random: (bytes: number) => Uint8Array;

  constructor(private readonly options: NonceIssuerOptions) {
    this.secret = Buffer.from(options.secret);
    if (this.secret.length < 16) throw new DigestConfigError('nonce secret must be at least 16 bytes');
    if (!(options.ttlMs > 0)) throw new DigestConfigError('nonce ttlMs must be positive');
    this.now = options.now ?? Date.now;
    this.random = options.random ?? pooledRandomBytes;
  }

  get ttlMs(): number {
    return this.options.ttlMs;
  }

  issue(): string {
    const data = Buffer.alloc(DATA_BYTES);
    data.writeBigUInt64BE(BigInt(Math.max(0, Math.floor(this.now()))), 0);
    Buffer.from(this.random(8)).copy(data, 8, 0, 8);
    return Buffer.concat([data, this.mac(data)]).toString('base64url');
  }

  check(nonce: string): NonceCheck {
    if (nonce.length !== 43) return { status: 'invalid' };
    const raw = Buffer.from(nonce, 'base64url');
    if (raw.length !== DATA_BYTES + MAC_BYTES) return { status: 'invalid' };
    const data = raw.subarray(0, DATA_BYTES);
    if (!timingSafeEqual(raw.subarray(DATA_BYTES), this.mac(data))) return { status: 'invalid' };
    const issuedAt = Number(data.readBigUInt64BE(0));
    const expiresAt = issuedAt + this.options.ttlMs;
    const now = this.now();
    if (issuedAt > now + FUTURE_SKEW_MS) return { status: 'invalid' };
    return { status: now > expiresAt ? 'stale' : 'valid', issuedAt, expiresAt };
  }

  private mac(data: Buffer): Buffer {
    return createHmac('sha256', this.secret)
      .update(this.options.realm)
      .update('\0')
      .update(data)
      .digest()
      .subarray(0, MAC_BYTES);
  }
}
