import { verify } from '@node-rs/argon2';
import type { Redis } from 'ioredis';
import { AuthFailureLimiter, type AuthFailureLimits } from '../sip/auth-failure-limiter.js';
import type { PinChecker } from './voicemail-context.js';

/**
 * Voicemail PINs: argon2 hashes as the admin writes them (Extension.voicemailPinHash). A wrong PIN
 * counts toward the same Redis failure limiter as SIP digest authentication (per source address and
 * mailbox), so guessing PINs over many calls runs into the same lockout.
 */
export class Argon2PinChecker implements PinChecker {
  private readonly limiter: AuthFailureLimiter;

  constructor(redis: Redis, limits: AuthFailureLimits, realm: string) {
    this.limiter = new AuthFailureLimiter(redis, limits, realm);
  }

  async verify(hash: string, pin: string): Promise<boolean> {
    try {
      return await verify(hash, pin);
    } catch {
      return false; // a malformed stored hash is a wrong PIN, never a crash
    }
  }

  isLocked(sourceIp: string, mailbox: string): Promise<boolean> {
    return this.limiter.isLocked(sourceIp, `vm:${mailbox}`);
  }

  async failed(sourceIp: string, mailbox: string): Promise<void> {
    await this.limiter.failed(sourceIp, `vm:${mailbox}`);
  }
}
