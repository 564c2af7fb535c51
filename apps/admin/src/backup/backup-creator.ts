import fs from 'node:fs';
import { mkdtemp, readdir, rm, stat, copyFile, mkdir, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { SECRET_KEY_FILE } from '@switchboard/db';
import pg from 'pg';
import {
  BACKUP_FORMAT,
  DATABASE_DUMP,
  FILES_DIR,
  MANIFEST_FILE,
  SETTINGS_FILE,
  sha256File,
  type BackupManifest,
} from './backup-manifest.js';
import { BackupError, findPostgresTool, libpqEnv, runTool } from './postgres-tools.js';

export interface BackupSource {
  readonly databaseUrl: string;
  /** SWITCHBOARD_DATA_DIR: recordings and voicemail live under it. */
  readonly dataDir: string;
  /** The settings file `npm start` wrote (realm, URLs), when there is one. */
  readonly settingsFile: string | undefined;
  readonly switchboardVersion: string;
  readonly env: NodeJS.ProcessEnv;
}

/** rtpengine's raw recordings before the worker made WAVs of them: transient, not backed up. */
const SKIPPED_DIRS = new Set(['recordings/spool']);

/**
 * Every WAV under the data directory (recordings, voicemail messages, greetings) and its secret key
 * (trunk passwords are sealed with it), relative paths.
 */
export async function dataFiles(dataDir: string, sub = ''): Promise<string[]> {
  const entries = await readdir(path.join(dataDir, sub), { withFileTypes: true }).catch(
    (error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return [];
      throw error;
    },
  );
  const found: string[] = [];
  for (const e of entries) {
    const rel = sub === '' ? e.name : `${sub}/${e.name}`;
    if (e.isDirectory() && !SKIPPED_DIRS.has(rel)) found.push(...(await dataFiles(dataDir, rel)));
    else if (e.isFile() && (/\.wav$/i.test(e.name) || rel === SECRET_KEY_FILE)) found.push(rel);
  }
  return found.sort();
}

/** The newest migration recorded as applied, or null for a database never migrated. */
export async function appliedSchemaMigration(databaseUrl: string): Promise<string | null> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const exists = await client.query<{ t: string | null }>(
      `SELECT to_regclass('public._prisma_migrations')::text AS t`,
    );
    if (!exists.rows[0]?.t) return null;
    const res = await client.query<{ name: string }>(
      `SELECT migration_name AS name FROM _prisma_migrations
        WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL
        ORDER BY migration_name DESC LIMIT 1`,
    );
    return res.rows[0]?.name ?? null;
  } finally {
    await client.end();
  }
}

/**
 * Writes one gzip-compressed tar archive: `manifest.json`, `database.dump` (pg_dump custom format),
 * `files/<path in the data directory>` and `settings/settings.env`. Returns its manifest.
 */
export async function createBackup(source: BackupSource, archive: string): Promise<BackupManifest> {
  const staging = await mkdtemp(path.join(os.tmpdir(), 'switchboard-backup-'));
  try {
    const schemaMigration = await appliedSchemaMigration(source.databaseUrl).catch((error: unknown) => {
      throw new BackupError(
        `cannot read the database: ${error instanceof Error ? error.message : String(error)}`,
      );
    });
    await runTool(
      findPostgresTool('pg_dump', source.env),
      ['--format=custom', '--no-owner', '--no-privileges', `--file=${path.join(staging, DATABASE_DUMP)}`],
      libpqEnv(source.databaseUrl, source.env),
    );
    const included = [DATABASE_DUMP];
    for (const rel of await dataFiles(source.dataDir)) {
      const target = path.join(staging, FILES_DIR, rel);
      await mkdir(path.dirname(target), { recursive: true });
      await copyFile(path.join(source.dataDir, rel), target);
      included.push(`${FILES_DIR}/${rel}`);
    }
    if (source.settingsFile && fs.existsSync(source.settingsFile)) {
      await mkdir(path.join(staging, 'settings'), { recursive: true });
      await copyFile(source.settingsFile, path.join(staging, SETTINGS_FILE));
      included.push(SETTINGS_FILE);
    }
    const files = [];
    for (const rel of included) {
      const file = path.join(staging, rel);
      files.push({ path: rel, bytes: (await stat(file)).size, sha256: await sha256File(file) });
    }
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: 1,
      switchboardVersion: source.switchboardVersion,
      schemaMigration,
      createdAt: new Date().toISOString(),
      files,
    };
    await writeFile(path.join(staging, MANIFEST_FILE), JSON.stringify(manifest, null, 2) + '\n');
    await mkdir(path.dirname(path.resolve(archive)), { recursive: true });
    // Readable by its owner only: the dump holds SIP HA1s and the settings the database password.
    const partial = `${path.resolve(archive)}.partial`;
    await runTool('tar', ['-czf', partial, '-C', staging, MANIFEST_FILE, ...included], source.env);
    fs.chmodSync(partial, 0o600);
    fs.renameSync(partial, path.resolve(archive));
    return manifest;
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}
