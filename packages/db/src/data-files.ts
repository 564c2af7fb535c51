import { randomBytes } from 'node:crypto';
import { mkdir, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files under the data directory (SWITCHBOARD_DATA_DIR) that rows point at by a path relative to it:
 * voicemail messages and greetings, call recordings, uploaded menu greetings. The admin and the
 * B2BUA resolve them the same way, so either can play or delete what the other stored.
 */

/** The absolute path of a stored relative path, or null when it would leave the data directory. */
export function resolveDataFile(dataDir: string, relative: string): string | null {
  const root = path.resolve(dataDir);
  const file = path.resolve(root, relative);
  return file.startsWith(root + path.sep) ? file : null;
}

/**
 * Where a menu's uploaded greeting goes: `ivr/<menu id>/greeting-<ms>.wav`. A fresh name per upload,
 * so a call still playing the old file is not cut short by a replacement.
 */
export function menuGreetingPath(menuId: string, nowMs: number): string {
  return `ivr/${menuId.replace(/[^A-Za-z0-9-]/g, '_')}/greeting-${nowMs}.wav`;
}

/** Writes `bytes` at `relative` through a temporary file and a rename: no reader sees half a file. */
export async function writeDataFile(dataDir: string, relative: string, bytes: Uint8Array): Promise<void> {
  const file = resolveDataFile(dataDir, relative);
  if (!file) throw new Error(`data file ${JSON.stringify(relative)} is not inside the data directory`);
  await mkdir(path.dirname(file), { recursive: true });
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeFile(temp, bytes);
    await rename(temp, file);
  } catch (err) {
    await rm(temp, { force: true });
    throw err;
  }
}
