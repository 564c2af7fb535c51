import { randomBytes } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import pg from 'pg';

import { quoteIdentifier, withDatabase } from '../database-url.js';
import { MigrationDirectoryError } from '../db-errors.js';
import {
  MIGRATION_LOCK_CONTENT,
  MIGRATION_LOCK_FILE,
  type MigrationFile,
  readMigrations,
} from './migration-directory.js';
import { openSchemaEngine, toEngineMigrationList } from './schema-engine-wasm.js';

export interface CreateMigrationOptions {
  /** Any PostgreSQL database URL on a server where we may CREATE DATABASE (for the shadow database). */
  readonly databaseUrl: string;
  readonly schemaPath: string;
  readonly migrationsDir: string;
  /** Folder suffix, e.g. "add_blocklist"; required unless `checkOnly`. */
  readonly name?: string;
  /** Only report whether the schema and the migrations differ; write nothing. */
  readonly checkOnly?: boolean;
  readonly now?: Date;
}

export interface CreateMigrationResult {
  /** SQL that takes a database from the applied migrations to the schema; '' when in sync. */
  readonly sql: string;
  /** The folder written, when there was something to write. */
  readonly folder?: string;
}

/**
 * What `prisma migrate dev --create-only` does, offline: replay the existing migrations on a throwaway
 * shadow database, let the wasm schema engine diff it against schema.prisma, write the result as the
 * next `<timestamp>_<name>/migration.sql`.
 */
export async function createMigration(options: CreateMigrationOptions): Promise<CreateMigrationResult> {
  const name = options.checkOnly === true ? '' : migrationSlug(options.name ?? '');
  await ensureMigrationsDir(options.migrationsDir);
  const migrations = await readMigrations(options.migrationsDir);
  const schema = await readFile(options.schemaPath, 'utf8');
  const sql = await diffAgainstShadow(options.databaseUrl, migrations, schema);
  if (sql === '' || options.checkOnly === true) return { sql };

  const folderName = `${nextTimestamp(options.now ?? new Date(), migrations)}_${name}`;
  const folder = path.join(options.migrationsDir, folderName);
  await mkdir(folder);
  await writeFile(path.join(folder, 'migration.sql'), sql);
  return { sql, folder };
}

async function diffAgainstShadow(
  databaseUrl: string,
  migrations: readonly MigrationFile[],
  schema: string,
): Promise<string> {
  const shadowName = `switchboard_shadow_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: withDatabase(databaseUrl, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`CREATE DATABASE ${quoteIdentifier(shadowName)}`);
    const shadowUrl = withDatabase(databaseUrl, shadowName);
    await replayMigrations(shadowUrl, migrations);
    const engine = await openSchemaEngine(shadowUrl, schema);
    try {
      // `from: migrations` with an empty list makes the engine describe the shadow database as we
      // left it (our replay runs whole scripts; the engine's own replay splits them on ';').
      const result = await engine.diff({
        from: { tag: 'migrations', ...toEngineMigrationList(path.resolve('.'), MIGRATION_LOCK_CONTENT, []) },
        to: { tag: 'schemaDatamodel', files: [{ path: 'schema.prisma', content: schema }] },
        script: true,
        exitCode: null,
        filters: { externalTables: [], externalEnums: [] },
      });
      return normaliseScript(result.stdout ?? '');
    } finally {
      engine.free();
    }
  } finally {
    await admin
      .query(`DROP DATABASE IF EXISTS ${quoteIdentifier(shadowName)} WITH (FORCE)`)
      .catch(() => undefined);
    await admin.end();
  }
}

async function replayMigrations(shadowUrl: string, migrations: readonly MigrationFile[]): Promise<void> {
  const client = new pg.Client({ connectionString: shadowUrl });
  await client.connect();
  try {
    for (const migration of migrations) {
      await client.query(migration.script).catch((error: unknown) => {
        const message = error instanceof Error ? error.message : String(error);
        throw new MigrationDirectoryError(
          `replaying ${migration.name} on the shadow database failed: ${message}`,
        );
      });
    }
  } finally {
    await client.end();
  }
}

/** '' when the engine says there is nothing to do; otherwise the script with one trailing newline. */
function normaliseScript(stdout: string): string {
  const meaningful = stdout
    .split('\n')
    .filter((line) => line.trim() !== '' && !line.trim().startsWith('--'))
    .join('\n');
  return meaningful === '' ? '' : `${stdout.trimEnd()}\n`;
}

/** Prisma's folder naming: lower-case words joined by underscores. */
export function migrationSlug(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '')
    .slice(0, 200);
  if (slug === '')
    throw new MigrationDirectoryError('a migration needs a name, e.g. `pnpm migration:new add_blocklist`');
  return slug;
}

/** UTC yyyyMMddHHmmss, moved past the newest existing migration if the clock is behind it. */
export function nextTimestamp(now: Date, migrations: readonly MigrationFile[]): string {
  const stamp = now.toISOString().replace(/[-:T]/g, '').slice(0, 14);
  const newest = migrations.at(-1)?.name.slice(0, 14);
  if (newest === undefined || stamp > newest) return stamp;
  return (BigInt(newest) + 1n).toString().padStart(14, '0');
}

async function ensureMigrationsDir(migrationsDir: string): Promise<void> {
  await mkdir(migrationsDir, { recursive: true });
  const lockPath = path.join(migrationsDir, MIGRATION_LOCK_FILE);
  const lock = await readFile(lockPath, 'utf8').catch(() => undefined);
  if (lock === undefined) await writeFile(lockPath, MIGRATION_LOCK_CONTENT);
}
