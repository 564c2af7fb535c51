import fs from 'node:fs';
import { copyFile, mkdir, mkdtemp, readFile, rm } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import {
  SECRET_KEY_FILE,
  defaultMigrationsDir,
  ensureDatabase,
  migrate,
  readMigrations,
} from '@switchboard/db';
import pg from 'pg';
import { parseSettings } from '../cli/settings-file.js';
import {
  DATABASE_DUMP,
  FILES_DIR,
  MANIFEST_FILE,
  SETTINGS_FILE,
  manifestSchema,
  verifyFiles,
  type BackupManifest,
} from './backup-manifest.js';
import { BackupError, findPostgresTool, libpqEnv, runTool } from './postgres-tools.js';

export interface RestoreTarget {
  readonly databaseUrl: string;
  readonly dataDir: string;
  /** The settings file to update with the backup's SIP domain (realm), when there is one. */
  readonly settingsFile: string | undefined;
  /** Replace a database that already holds rows. */
  readonly force: boolean;
  readonly migrationsDir?: string;
  readonly env: NodeJS.ProcessEnv;
}

export interface RestoreResult {
  readonly manifest: BackupManifest;
  readonly filesRestored: number;
  /** Migrations newer than the backup, applied after the restore. */
  readonly migrationsApplied: readonly string[];
  /** The SIP domain (digest realm) of the backed-up installation, if its settings were in the archive. */
  readonly sipDomain: string | undefined;
  readonly settingsWritten: boolean;
}

/** Settings that describe this machine, not the backed-up installation: kept when the file has them. */
const MACHINE_SETTINGS = ['DATABASE_URL', 'REDIS_URL', 'SWITCHBOARD_DATA_DIR'];

async function readManifest(dir: string): Promise<BackupManifest> {
  const text = await readFile(path.join(dir, MANIFEST_FILE), 'utf8').catch(() => {
    throw new BackupError(`not a Switchboard backup: ${MANIFEST_FILE} is missing`);
  });
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new BackupError(`not a Switchboard backup: ${MANIFEST_FILE} is not JSON`);
  }
  const parsed = manifestSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new BackupError(
      `not a Switchboard backup manifest: ${issue ? `${issue.path.join('.') || '(manifest)'}: ${issue.message}` : ''}`,
    );
  }
  if (!parsed.data.files.some((f) => f.path === DATABASE_DUMP))
    throw new BackupError(`backup has no ${DATABASE_DUMP}`);
  return parsed.data;
}

/** Refuses a backup whose schema this code does not know (a newer Switchboard made it). */
async function checkSchema(manifest: BackupManifest, migrationsDir: string): Promise<void> {
  const known = (await readMigrations(migrationsDir)).map((m) => m.name);
  const theirs = manifest.schemaMigration;
  if (theirs === null || known.includes(theirs)) return;
  const ours = known.at(-1) ?? '(none)';
  throw new BackupError(
    theirs > ours
      ? `backup schema ${theirs} is newer than this Switchboard's (${ours}): upgrade Switchboard first (backup made by ${manifest.switchboardVersion})`
      : `backup schema ${theirs} is not one of this Switchboard's migrations (latest ${ours})`,
  );
}

/** Tables of the public schema that hold rows (the migrations table does not count). */
async function tablesWithRows(client: pg.Client): Promise<string[]> {
  const tables = await client.query<{ name: string }>(
    `SELECT c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = 'public' AND c.relkind IN ('r', 'p') AND c.relname <> '_prisma_migrations'
      ORDER BY 1`,
  );
  const filled: string[] = [];
  for (const { name } of tables.rows) {
    const q = `SELECT EXISTS (SELECT 1 FROM public."${name.replaceAll('"', '""')}") AS has`;
    if ((await client.query<{ has: boolean }>(q)).rows[0]?.has) filled.push(name);
  }
  return filled;
}

async function replaceDatabase(dump: string, target: RestoreTarget): Promise<void> {
  await ensureDatabase(target.databaseUrl);
  const client = new pg.Client({ connectionString: target.databaseUrl });
  await client.connect();
  try {
    const filled = await tablesWithRows(client);
    if (filled.length > 0 && !target.force) {
      throw new BackupError(
        `the database is not empty (rows in ${filled.slice(0, 6).join(', ')}${filled.length > 6 ? ', …' : ''}): pass --force to replace it with the backup`,
      );
    }
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
  } finally {
    await client.end();
  }
  const env = libpqEnv(target.databaseUrl, target.env);
  await runTool(
    findPostgresTool('pg_restore', target.env),
    [
      '--no-owner',
      '--no-privileges',
      '--single-transaction',
      '--exit-on-error',
      `--dbname=${env.PGDATABASE ?? ''}`,
      dump,
    ],
    env,
  );
}

/** The data directory's files, at their paths relative to it (existing files are overwritten). */
async function restoreFiles(dir: string, manifest: BackupManifest, dataDir: string): Promise<number> {
  let count = 0;
  for (const f of manifest.files) {
    if (!f.path.startsWith(`${FILES_DIR}/`)) continue;
    const target = path.join(dataDir, f.path.slice(FILES_DIR.length + 1));
    await mkdir(path.dirname(target), { recursive: true });
    await copyFile(path.join(dir, f.path), target);
    if (target === path.join(dataDir, SECRET_KEY_FILE)) fs.chmodSync(target, 0o600);
    count += 1;
  }
  return count;
}

/** Takes the backup's SIP domain into this machine's settings file (keeping its own connections). */
async function restoreSettings(
  dir: string,
  manifest: BackupManifest,
  target: RestoreTarget,
): Promise<{ sipDomain: string | undefined; written: boolean }> {
  if (!manifest.files.some((f) => f.path === SETTINGS_FILE)) return { sipDomain: undefined, written: false };
  const theirs = parseSettings(await readFile(path.join(dir, SETTINGS_FILE), 'utf8'));
  const sipDomain = theirs.SWITCHBOARD_SIP_DOMAIN;
  if (!target.settingsFile) return { sipDomain, written: false };
  const ours = fs.existsSync(target.settingsFile)
    ? parseSettings(fs.readFileSync(target.settingsFile, 'utf8'))
    : {};
  const merged: Record<string, string> = {
    ...theirs,
    DATABASE_URL: target.databaseUrl,
    SWITCHBOARD_DATA_DIR: target.dataDir,
  };
  for (const key of MACHINE_SETTINGS) if (ours[key]) merged[key] = ours[key];
  const lines = [
    '# Restored by `switchboard restore`. SWITCHBOARD_SIP_DOMAIN is the digest realm of every stored SIP',
    '# password: changing it invalidates them all. Variables set in the environment win over this file.',
    ...Object.entries(merged).map(([k, v]) => `${k}=${v}`),
  ];
  await mkdir(path.dirname(target.settingsFile), { recursive: true });
  fs.writeFileSync(target.settingsFile, lines.join('\n') + '\n', { mode: 0o600 });
  fs.chmodSync(target.settingsFile, 0o600);
  return { sipDomain, written: true };
}

/**
 * Restores an archive written by createBackup: checks the manifest, every checksum and the schema
 * version before touching anything, then the database (pg_restore), the data files and the settings,
 * and applies the migrations the backup predates.
 */
export async function restoreBackup(archive: string, target: RestoreTarget): Promise<RestoreResult> {
  if (!fs.existsSync(archive)) throw new BackupError(`${archive} does not exist`);
  const dir = await mkdtemp(path.join(os.tmpdir(), 'switchboard-restore-'));
  try {
    await runTool('tar', ['-xzf', path.resolve(archive), '-C', dir, '--no-same-owner'], target.env).catch(
      (error: unknown) => {
        throw new BackupError(
          `cannot unpack ${archive}: ${error instanceof Error ? error.message : String(error)}`,
        );
      },
    );
    const manifest = await readManifest(dir);
    await verifyFiles(dir, manifest);
    const migrationsDir = target.migrationsDir ?? defaultMigrationsDir();
    await checkSchema(manifest, migrationsDir);
    await replaceDatabase(path.join(dir, DATABASE_DUMP), target);
    const filesRestored = await restoreFiles(dir, manifest, target.dataDir);
    const settings = await restoreSettings(dir, manifest, target);
    const migrated = await migrate(target.databaseUrl, { migrationsDir, createDatabase: false });
    return {
      manifest,
      filesRestored,
      migrationsApplied: migrated.applied,
      sipDomain: settings.sipDomain,
      settingsWritten: settings.written,
    };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
