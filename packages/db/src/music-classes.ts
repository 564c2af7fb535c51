import { promises as fs } from 'node:fs';
import path from 'node:path';

/**
 * Music-on-hold classes are directories of WAV files under `<data dir>/moh/<class>/`, shared by the
 * admin (which lists them and validates Extension.mohClass) and the B2BUA (which plays them).
 */

/** The class every held party hears unless its holder's extension names another. */
export const DEFAULT_MUSIC_CLASS = 'default';

/** A class name is a directory name: letters, digits, `-` and `_` only, at most 32 (the column's size). */
export const MUSIC_CLASS_PATTERN = /^[A-Za-z0-9][A-Za-z0-9_-]{0,31}$/;

export interface MusicClassInfo {
  readonly name: string;
  /** WAV files in its directory; `default` with none plays the tune shipped with the PBX. */
  readonly tracks: number;
}

/** The directory of `musicClass` (a name that passed MUSIC_CLASS_PATTERN). */
export function musicClassDir(dataDir: string, musicClass: string): string {
  return path.join(dataDir, 'moh', musicClass);
}

/**
 * The classes on disk, by name, `default` always among them (it has the shipped tune). Directories
 * whose name is no class name are ignored, as the B2BUA would never play them.
 */
export async function listMusicClasses(dataDir: string): Promise<MusicClassInfo[]> {
  let entries: Array<{ name: string; isDirectory(): boolean }>;
  try {
    entries = await fs.readdir(path.join(dataDir, 'moh'), { withFileTypes: true });
  } catch {
    entries = []; // no moh directory yet: only the shipped default
  }
  const names = new Set(
    entries.filter((e) => e.isDirectory() && MUSIC_CLASS_PATTERN.test(e.name)).map((e) => e.name),
  );
  names.add(DEFAULT_MUSIC_CLASS);
  const classes = await Promise.all(
    [...names].map(async (name) => ({ name, tracks: await wavCount(musicClassDir(dataDir, name)) })),
  );
  return classes.sort((a, b) => a.name.localeCompare(b.name));
}

async function wavCount(dir: string): Promise<number> {
  try {
    return (await fs.readdir(dir)).filter((n) => n.toLowerCase().endsWith('.wav')).length;
  } catch {
    return 0;
  }
}
