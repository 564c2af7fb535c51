import crypto from 'node:crypto';
import type { Redis } from 'ioredis';
import { authKeys } from './redis-nonce-count-store.js';

/**
 * The nonce HMAC secret: the first process to start creates it (SET NX), every other one reads
 * that value, so a nonce issued by one signalling process is accepted by all of them.
 */
export async function loadDigestSecret(redis: Redis): Promise<string> {
  await redis.set(authKeys.digestSecret, crypto.randomBytes(32).toString('hex'), 'NX');
  const secret = await redis.get(authKeys.digestSecret);
  if (secret === null || secret.length < 32)
    throw new Error(`Redis key ${authKeys.digestSecret} is unusable`);
  return secret;
}
