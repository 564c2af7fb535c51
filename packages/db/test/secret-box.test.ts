import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterEach, describe, expect, it } from 'vitest';

import { SECRET_KEY_FILE, SecretBox, SecretBoxError } from '../src/secret-box.js';

const dirs: string[] = [];
function tempDir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'secret-box-'));
  dirs.push(dir);
  return dir;
}

afterEach(() => {
  for (const dir of dirs.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
});

describe('SecretBox', () => {
  it('creates a 32-byte key with mode 0600 on first use and reuses it afterwards', () => {
    const dir = path.join(tempDir(), 'data');
    const box = SecretBox.fromDataDir(dir);
    expect(fs.existsSync(dir)).toBe(false); // nothing until a secret is sealed or opened
    const sealed = box.encrypt('s3cret-pässword', 'ctx');
    const file = path.join(dir, SECRET_KEY_FILE);
    expect(fs.statSync(file).mode & 0o777).toBe(0o600);
    expect(Buffer.from(fs.readFileSync(file, 'utf8').trim(), 'base64')).toHaveLength(32);
    expect(fs.readdirSync(dir)).toEqual([SECRET_KEY_FILE]); // no temporary file left behind
    expect(SecretBox.fromDataDir(dir).decrypt(sealed, 'ctx')).toBe('s3cret-pässword');
  });

  it('never stores the plaintext and uses a fresh nonce per encryption', () => {
    const box = SecretBox.fromKey(Buffer.alloc(32, 7));
    const a = box.encrypt('hunter2', 'ctx');
    const b = box.encrypt('hunter2', 'ctx');
    expect(a).not.toBe(b);
    expect(a).toMatch(/^v1\.[\w-]{16}\.[\w-]{22}\.[\w-]+$/);
    expect(a).not.toContain(Buffer.from('hunter2').toString('base64url'));
  });

  it('refuses a value sealed with another key, for another context, or altered', () => {
    const box = SecretBox.fromKey(Buffer.alloc(32, 1));
    const sealed = box.encrypt('pw', 'trunk');
    expect(() => SecretBox.fromKey(Buffer.alloc(32, 2)).decrypt(sealed, 'trunk')).toThrow(SecretBoxError);
    expect(() => box.decrypt(sealed, 'other')).toThrow(SecretBoxError);
    const parts = sealed.split('.');
    const body = Buffer.from(parts[3] ?? '', 'base64url');
    body[0] = (body[0] ?? 0) ^ 1;
    const altered = [...parts.slice(0, 3), body.toString('base64url')].join('.');
    expect(() => box.decrypt(altered, 'trunk')).toThrow(/does not decrypt/);
    expect(() => box.decrypt('plain text', 'trunk')).toThrow(/not a sealed secret/);
  });

  it('refuses a key file that others can read, or that holds no 32-byte key', () => {
    const dir = tempDir();
    const file = path.join(dir, SECRET_KEY_FILE);
    fs.writeFileSync(file, Buffer.alloc(32).toString('base64'), { mode: 0o644 });
    fs.chmodSync(file, 0o644);
    expect(() => SecretBox.fromDataDir(dir).encrypt('x', 'ctx')).toThrow(/readable by others/);
    fs.writeFileSync(file, 'short', { mode: 0o600 });
    fs.chmodSync(file, 0o600);
    expect(() => SecretBox.fromDataDir(dir).encrypt('x', 'ctx')).toThrow(/32-byte/);
    expect(() => SecretBox.fromKey(Buffer.alloc(16))).toThrow(SecretBoxError);
  });
});
