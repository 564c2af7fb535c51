import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

import { DbError } from './db-errors.js';

/** File in the data directory that holds the key, next to `settings.env` (same 0600 rule). */
export const SECRET_KEY_FILE = 'secret.key';

const KEY_BYTES = 32; // AES-256
const IV_BYTES = 12; // the GCM nonce size NIST SP 800-38D recommends
const TAG_BYTES = 16;
const VERSION = 'v1';

export class SecretBoxError extends DbError {
  constructor(message: string) {
    super('SECRET_BOX', message);
  }
}

/**
 * Encrypts small secrets we must be able to read back (a trunk's digest password: we answer the
 * provider's challenges, so a hash would not do) with AES-256-GCM. The key never leaves the data
 * directory; the database alone does not reveal the secrets. Format: `v1.<iv>.<tag>.<ciphertext>`,
 * base64url parts. `context` is bound as additional authenticated data, so a value copied to another
 * column (another purpose) does not decrypt.
 */
export class SecretBox {
  private loaded: Buffer | undefined;

  private constructor(private readonly load: () => Buffer) {}

  static fromKey(key: Uint8Array): SecretBox {
    if (key.length !== KEY_BYTES)
      throw new SecretBoxError(`secret key must be ${KEY_BYTES} bytes, got ${key.length}`);
    const copy = Buffer.from(key);
    return new SecretBox(() => copy);
  }

  /**
   * The key of `<dataDir>/secret.key`, read (or created: random, mode 0600, base64 text) on the first
   * encrypt/decrypt, so an installation without secrets has no key file. Two processes starting
   * together agree on one key.
   */
  static fromDataDir(dataDir: string): SecretBox {
    return new SecretBox(() => loadOrCreateKey(path.join(dataDir, SECRET_KEY_FILE)));
  }

  private get key(): Buffer {
    this.loaded ??= this.load();
    return this.loaded;
  }

  encrypt(plaintext: string, context: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    cipher.setAAD(Buffer.from(context, 'utf8'));
    const body = Buffer.concat([cipher.update(plaintext, 'utf8'), cipher.final()]);
    return [VERSION, iv, cipher.getAuthTag(), body]
      .map((p) => (typeof p === 'string' ? p : p.toString('base64url')))
      .join('.');
  }

  /** Throws SecretBoxError when the value is malformed, was made with another key, or was tampered with. */
  decrypt(sealed: string, context: string): string {
    const parts = sealed.split('.');
    if (parts.length !== 4 || parts[0] !== VERSION)
      throw new SecretBoxError('not a sealed secret (expected v1.<iv>.<tag>.<data>)');
    const [iv, tag, body] = parts.slice(1).map((p) => Buffer.from(p, 'base64url')) as [
      Buffer,
      Buffer,
      Buffer,
    ];
    if (iv.length !== IV_BYTES || tag.length !== TAG_BYTES)
      throw new SecretBoxError('sealed secret has a bad nonce or tag length');
    const decipher = createDecipheriv('aes-256-gcm', this.key, iv, { authTagLength: TAG_BYTES });
    decipher.setAAD(Buffer.from(context, 'utf8'));
    decipher.setAuthTag(tag);
    try {
      return Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
    } catch {
      throw new SecretBoxError(
        "sealed secret does not decrypt with this data directory's key (other key, or altered)",
      );
    }
  }
}

function loadOrCreateKey(file: string): Buffer {
  if (!fs.existsSync(file)) {
    fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    // Written in full to a private temporary file, then linked into place: link(2) fails if the key
    // appeared meanwhile, so a concurrent starter never sees a half-written key and both end up with one.
    const tmp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    fs.writeFileSync(tmp, randomBytes(KEY_BYTES).toString('base64') + '\n', { mode: 0o600, flag: 'wx' });
    try {
      fs.linkSync(tmp, file);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    } finally {
      fs.rmSync(tmp, { force: true });
    }
  }
  return readKey(file);
}

function readKey(file: string): Buffer {
  const mode = fs.statSync(file).mode & 0o777;
  if ((mode & 0o077) !== 0)
    throw new SecretBoxError(`${file} is readable by others (mode ${mode.toString(8)}): chmod 600 it`);
  const text = fs.readFileSync(file, 'utf8').trim();
  const key = Buffer.from(text, 'base64');
  if (key.length !== KEY_BYTES)
    throw new SecretBoxError(`${file} does not hold a ${KEY_BYTES}-byte base64 key`);
  return key;
}
