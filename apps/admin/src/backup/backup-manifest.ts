import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { BackupError } from './postgres-tools.js';

export const BACKUP_FORMAT = 'switchboard-backup';
export const MANIFEST_FILE = 'manifest.json';
export const DATABASE_DUMP = 'database.dump';
/** Files of the data directory, by their path relative to it. */
export const FILES_DIR = 'files';
export const SETTINGS_FILE = 'settings/settings.env';

/** A path inside the archive: relative, forward slashes, no `..` or empty segments. */
const archivePath = z
  .string()
  .min(1)
  .refine(
    (p) => !p.startsWith('/') && p.split('/').every((s) => s !== '' && s !== '.' && s !== '..'),
    'must be a relative path inside the archive',
  );

export const manifestSchema = z.object({
  format: z.literal(BACKUP_FORMAT),
  formatVersion: z.literal(1),
  /** The @switchboard/admin version that wrote it. */
  switchboardVersion: z.string(),
  /** The last migration applied to the dumped database (prisma/migrations folder name). */
  schemaMigration: z.string().nullable(),
  createdAt: z.iso.datetime(),
  /** Every file of the archive but the manifest, with its size and SHA-256 (hex). */
  files: z.array(
    z.object({ path: archivePath, bytes: z.number().int().min(0), sha256: z.string().length(64) }),
  ),
});
export type BackupManifest = z.infer<typeof manifestSchema>;

export function sha256File(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

/** Checks every listed file of an unpacked archive against its size and checksum. */
export async function verifyFiles(dir: string, manifest: BackupManifest): Promise<void> {
  const bad: string[] = [];
  for (const f of manifest.files) {
    const actual = await sha256File(path.join(dir, f.path)).catch(() => 'missing');
    if (actual !== f.sha256) bad.push(actual === 'missing' ? `${f.path} (missing)` : f.path);
  }
  if (bad.length > 0)
    throw new BackupError(`backup is damaged: checksum mismatch for ${bad.slice(0, 10).join(', ')}`);
}
