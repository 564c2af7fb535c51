// Random identifiers (tags, branches, nonces) from one pooled CSPRNG buffer: one randomFillSync
// per 4 KiB instead of one randomBytes call per identifier, which showed in the B2BUA's profiles.
// Each byte is handed out once.
import { randomFillSync } from 'node:crypto';

const POOL = Buffer.alloc(4096);
let offset = POOL.length;

function take(bytes: number): number {
  if (offset + bytes > POOL.length) {
    randomFillSync(POOL);
    offset = 0;
  }
  const at = offset;
  offset += bytes;
  return at;
}

/** `bytes` CSPRNG bytes (a copy; requests larger than the pool are served directly). */
export function pooledRandomBytes(bytes: number): Uint8Array {
  if (bytes > POOL.length) return randomFillSync(Buffer.alloc(bytes));
  const at = take(bytes);
  return Uint8Array.prototype.slice.call(POOL, at, at + bytes);
}

/** 64 random bits as 16 hex digits. */
export function randomHex64(): string {
  const at = take(8);
  return POOL.toString('hex', at, at + 8);
}
