import { createHash, randomBytes, randomInt } from 'node:crypto';

// No look-alike characters (0/O, 1/l/I) so a password read off a screen can be typed.
const alphabet = 'ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789';

/** A password of `length` characters, each uniformly random (~5.8 bits each). */
export function generatePassword(length = 20): string {
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[randomInt(alphabet.length)];
  return out;
}

/** 256-bit URL-safe token (session cookie, CSRF token). */
export function generateToken(): string {
  return randomBytes(32).toString('base64url');
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}
