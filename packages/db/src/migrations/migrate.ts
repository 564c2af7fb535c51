import { randomUUID } from 'node:crypto';

import pg from 'pg';

import { parseDatabaseUrl, redactDatabaseUrl } from '../database-url.js';
import {
  DatabaseUnreachableError,
  FailedMigrationError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
} from '../db-errors.js';
import { defaultMigrationsDir } from '../paths.js';
import { ensureDatabase } from './ensure-database.js';
import { scriptMatchesChecksum } from './migration-checksum.js';
import { type MigrationFile, readMigrations } from './migration-directory.js';
import {
  type AppliedMigrationRow,
  CREATE_PRISMA_MIGRATIONS_TABLE,
  PRISMA_ADVISORY_LOCK_KEY,
  readAppliedMigrations,
  recordAppliedMigration,
} from './prisma-migrations-table.js';

export interface MigrateOptions {
  /** Defaults to the repository's prisma/migrations (or $SWITCHBOARD_PRISMA_DIR/migrations). */
  readonly migrationsDir?: string;
  /** Create the database when it does not exist (default true). */
  readonly createDatabase?: boolean;
  /** Progress lines; default silent. */
  readonly log?: (line: string) => void;
}

export interface MigrateResult {
  readonly databaseCreated: boolean;
  /** Migrations applied by this run, in order. */
  readonly applied: readonly string[];
  /** Migrations that were already applied before this run. */
  readonly alreadyApplied: readonly string[];
  /** Applied in the database but absent from the migrations directory (kept, as Prisma does). */
  readonly unknownApplied: readonly string[];
}

/**
 * Applies pending migrations in name order, each in its own transaction, recording them in
 * `_prisma_migrations` the way `prisma migrate deploy` does (checksum = SHA-256 of migration.sql),
 * so either tool can take over. Refuses when an applied migration's file changed or an earlier
 * migration is recorded as failed.
 */
export async function migrate(databaseUrl: string, options: MigrateOptions = {}): Promise<MigrateResult> {
  const { url } = parseDatabaseUrl(databaseUrl);
  const log = options.log ?? (() => undefined);
  const migrations = await readMigrations(options.migrationsDir ?? defaultMigrationsDir());
  const databaseCreated = options.createDatabase === false ? false : await ensureDatabase(url);
  if (databaseCreated) log(`created database ${parseDatabaseUrl(url).database}`);

  const client = new pg.Client({ connectionString: url });
  await client.connect().catch((error: unknown) => {
    throw new DatabaseUnreachableError(
      redactDatabaseUrl(url),
      error instanceof Error ? error.message : String(error),
    );
  });
  try {
    await client.query('SELECT pg_advisory_lock($1)', [PRISMA_ADVISORY_LOCK_KEY]);
    await client.query(CREATE_PRISMA_MIGRATIONS_TABLE);
    const rows = await readAppliedMigrations(client);
    const plan = planMigrations(migrations, rows);
    for (const migration of plan.pending) {
      await applyOne(client, migration);
      log(`applied ${migration.name}`);
    }
    if (plan.pending.length === 0) log('no pending migrations');
    return {
      databaseCreated,
      applied: plan.pending.map((m) => m.name),
      alreadyApplied: plan.alreadyApplied,
      unknownApplied: plan.unknownApplied,
    };
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [PRISMA_ADVISORY_LOCK_KEY]).catch(() => undefined);
    await client.end();
  }
}

interface MigrationPlan {
  readonly pending: readonly MigrationFile[];
  readonly alreadyApplied: readonly string[];
  readonly unknownApplied: readonly string[];
}

/** Compares the folder with the table; pure so the rules are easy to read and test. */
export function planMigrations(
  migrations: readonly MigrationFile[],
  rows: readonly AppliedMigrationRow[],
): MigrationPlan {
  const live = rows.filter((row) => row.rolledBackAt === null);
  const failed = live.filter((row) => row.finishedAt === null).map((row) => row.migrationName);
  if (failed.length > 0) throw new FailedMigrationError(failed);

  const appliedByName = new Map(live.map((row) => [row.migrationName, row]));
  const changed = migrations
    .filter((m) => {
      const row = appliedByName.get(m.name);
      return row !== undefined && !scriptMatchesChecksum(m.script, row.checksum);
    })
    .map((m) => m.name);
  if (changed.length > 0) throw new MigrationChecksumMismatchError(changed);

  const known = new Set(migrations.map((m) => m.name));
  return {
    pending: migrations.filter((m) => !appliedByName.has(m.name)),
    alreadyApplied: migrations.filter((m) => appliedByName.has(m.name)).map((m) => m.name),
    unknownApplied: [...appliedByName.keys()].filter((name) => !known.has(name)),
  };
}

async function applyOne(client: pg.Client, migration: MigrationFile): Promise<void> {
  const startedAt = new Date();
  await client.query('BEGIN');
  try {
    // Simple-query protocol: the whole file runs as one multi-statement script, as psql would.
    await client.query(migration.script);
    await recordAppliedMigration(client, {
      id: randomUUID(),
      migrationName: migration.name,
      checksum: migration.checksum,
      startedAt,
    });
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => undefined);
    throw new MigrationApplyError(migration.name, error instanceof Error ? error.message : String(error));
  }
}
