import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import {
  DatabaseUnreachableError,
  FailedMigrationError,
  MigrationApplyError,
  MigrationChecksumMismatchError,
  MigrationDirectoryError,
} from '../src/db-errors.js';
import { migrate } from '../src/migrations/migrate.js';
import { readMigrations } from '../src/migrations/migration-directory.js';
import { defaultMigrationsDir } from '../src/paths.js';
import { addMigration, copyRepositoryMigrations } from './support/temp-migrations.js';
import { dropDatabase, freshDatabaseUrl, requireServerUrl, withClient } from './support/test-database.js';

requireServerUrl();

const created: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  for (const name of created) await dropDatabase(name);
});

function newDatabase(): string {
  const db = freshDatabaseUrl();
  created.push(db.name);
  return db.url;
}

async function scratchMigrations(): Promise<string> {
  const copy = await copyRepositoryMigrations();
  cleanups.push(copy.cleanup);
  return copy.dir;
}

interface MigrationRow {
  id: string;
  checksum: string;
  finished_at: Date | null;
  migration_name: string;
  logs: string | null;
  rolled_back_at: Date | null;
  started_at: Date;
  applied_steps_count: number;
}

const rowsOf = (url: string): Promise<MigrationRow[]> =>
  withClient(
    url,
    async (c) =>
      (await c.query<MigrationRow>('SELECT * FROM _prisma_migrations ORDER BY migration_name')).rows,
  );

const sha256 = (text: string): string => createHash('sha256').update(text).digest('hex');

describe('migrate', () => {
  it('creates the database, applies every migration once, and the second run is a no-op', async () => {
    const url = newDatabase();
    const repository = await readMigrations(defaultMigrationsDir());
    const names = repository.map((m) => m.name);
    expect(names.length).toBeGreaterThan(0);

    const first = await migrate(url);
    expect(first.databaseCreated).toBe(true);
    expect(first.applied).toEqual(names);
    expect(first.alreadyApplied).toEqual([]);

    const rowsAfterFirst = await rowsOf(url);
    const second = await migrate(url);
    expect(second).toEqual({
      databaseCreated: false,
      applied: [],
      alreadyApplied: names,
      unknownApplied: [],
    });
    expect(await rowsOf(url)).toEqual(rowsAfterFirst);
  });

  it('records rows the way Prisma does: checksum = sha256(migration.sql), finished, one step', async () => {
    const url = newDatabase();
    await migrate(url);
    const rows = await rowsOf(url);
    const files = await readMigrations(defaultMigrationsDir());
    expect(rows.map((r) => r.migration_name)).toEqual(files.map((f) => f.name));
    for (const [i, row] of rows.entries()) {
      const sql = await readFile(
        path.join(defaultMigrationsDir(), row.migration_name, 'migration.sql'),
        'utf8',
      );
      expect(row.checksum).toBe(sha256(sql));
      expect(row.checksum).toBe(files[i]?.checksum);
      expect(row.id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
      expect(row.finished_at).toBeInstanceOf(Date);
      expect(row.finished_at!.getTime()).toBeGreaterThanOrEqual(row.started_at.getTime() - 1);
      expect(row.rolled_back_at).toBeNull();
      expect(row.logs).toBeNull();
      expect(row.applied_steps_count).toBe(1);
    }
  });

  it("creates _prisma_migrations with Prisma's column names, types and nullability", async () => {
    const url = newDatabase();
    await migrate(url);
    const columns = await withClient(url, async (c) =>
      (
        await c.query<{ column_name: string; data_type: string; is_nullable: string; len: number | null }>(
          `SELECT column_name, data_type, is_nullable, character_maximum_length AS len
             FROM information_schema.columns WHERE table_name = '_prisma_migrations' ORDER BY ordinal_position`,
        )
      ).rows.map(
        (r) => `${r.column_name} ${r.data_type}${r.len === null ? '' : `(${r.len})`} ${r.is_nullable}`,
      ),
    );
    expect(columns).toEqual([
      'id character varying(36) NO',
      'checksum character varying(64) NO',
      'finished_at timestamp with time zone YES',
      'migration_name character varying(255) NO',
      'logs text YES',
      'rolled_back_at timestamp with time zone YES',
      'started_at timestamp with time zone NO',
      'applied_steps_count integer NO',
    ]);
  });

  it('creates every table of the data model', async () => {
    const url = newDatabase();
    await migrate(url);
    const tables = await withClient(url, async (c) =>
      (
        await c.query<{ table_name: string }>(
          "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY table_name",
        )
      ).rows.map((r) => r.table_name),
    );
    expect(tables).toEqual([
      '_prisma_migrations',
      'admin_sessions',
      'admin_users',
      'api_tokens',
      'audit_log',
      'call_recordings',
      'call_records',
      'call_traces',
      'conference_rooms',
      'extensions',
      'follow_me_steps',
      'ivr_menus',
      'pbx_settings',
      'plugin_configs',
      'ring_group_members',
      'ring_groups',
      'trunks',
      'voicemail_boxes',
      'voicemail_messages',
    ]);
  });

  it('refuses, changing nothing, when an applied migration.sql was edited', async () => {
    const url = newDatabase();
    const dir = await scratchMigrations();
    await migrate(url, { migrationsDir: dir });
    const applied = (await readMigrations(dir)).map((m) => m.name);
    const [first] = await readMigrations(dir);
    const file = path.join(dir, first!.name, 'migration.sql');
    await writeFile(file, `${await readFile(file, 'utf8')}\nCREATE TABLE sneaky (id int);\n`);
    await addMigration(dir, '29990101000000_later', 'CREATE TABLE later (id int);');

    const error = await migrate(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationChecksumMismatchError);
    expect((error as MigrationChecksumMismatchError).migrationNames).toEqual([first!.name]);
    expect((error as Error).message).toMatch(/has changed/);
    // The pending migration after it was not applied either.
    expect((await rowsOf(url)).map((r) => r.migration_name)).toEqual(applied);
  });

  it('accepts an applied migration whose line endings were converted to CRLF', async () => {
    const url = newDatabase();
    const dir = await scratchMigrations();
    await migrate(url, { migrationsDir: dir });
    const [first] = await readMigrations(dir);
    const file = path.join(dir, first!.name, 'migration.sql');
    await writeFile(file, (await readFile(file, 'utf8')).replaceAll('\n', '\r\n'));
    const result = await migrate(url, { migrationsDir: dir });
    expect(result.applied).toEqual([]);
  });

  it('applies a new migration after the existing ones, in name order', async () => {
    const url = newDatabase();
    const dir = await scratchMigrations();
    await migrate(url, { migrationsDir: dir });
    await addMigration(dir, '29990102000000_second', 'CREATE TABLE second_table (id int);');
    await addMigration(
      dir,
      '29990101000000_first',
      'CREATE TABLE first_table (id int);\nALTER TABLE first_table ADD COLUMN note text;',
    );
    const result = await migrate(url, { migrationsDir: dir });
    expect(result.applied).toEqual(['29990101000000_first', '29990102000000_second']);
    const rows = await rowsOf(url);
    expect(rows.map((r) => r.migration_name).slice(-2)).toEqual([
      '29990101000000_first',
      '29990102000000_second',
    ]);
    await withClient(url, (c) => c.query('INSERT INTO first_table (id, note) VALUES (1, $1)', ['ok']));
  });

  it('rolls a failing migration back completely and records nothing for it', async () => {
    const url = newDatabase();
    const dir = await scratchMigrations();
    await migrate(url, { migrationsDir: dir });
    await addMigration(
      dir,
      '29990101000000_broken',
      'CREATE TABLE half_done (id int);\nSELECT * FROM no_such_table;',
    );
    const error = await migrate(url, { migrationsDir: dir }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MigrationApplyError);
    expect((error as MigrationApplyError).migrationName).toBe('29990101000000_broken');
    expect((error as Error).message).toMatch(/no_such_table/);
    const exists = await withClient(
      url,
      async (c) => (await c.query("SELECT to_regclass('half_done') AS t")).rows[0] as { t: string | null },
    );
    expect(exists.t).toBeNull();
    expect((await rowsOf(url)).some((r) => r.migration_name === '29990101000000_broken')).toBe(false);
  });

  it('refuses while a migration is recorded as failed (started, never finished)', async () => {
    const url = newDatabase();
    await migrate(url);
    await withClient(url, (c) =>
      c.query(
        `INSERT INTO _prisma_migrations (id, checksum, migration_name, started_at, applied_steps_count)
         VALUES ('00000000-0000-4000-8000-000000000000', 'x', '29990101000000_half', now(), 0)`,
      ),
    );
    await expect(migrate(url)).rejects.toBeInstanceOf(FailedMigrationError);
  });

  it('re-applies a migration whose row was marked rolled back', async () => {
    const url = newDatabase();
    const dir = await scratchMigrations();
    await addMigration(dir, '29990101000000_extra', 'CREATE TABLE extra (id int);');
    await migrate(url, { migrationsDir: dir });
    await withClient(url, async (c) => {
      await c.query('DROP TABLE extra');
      await c.query(
        "UPDATE _prisma_migrations SET rolled_back_at = now() WHERE migration_name = '29990101000000_extra'",
      );
    });
    const result = await migrate(url, { migrationsDir: dir });
    expect(result.applied).toEqual(['29990101000000_extra']);
    expect((await rowsOf(url)).filter((r) => r.migration_name === '29990101000000_extra')).toHaveLength(2);
  });

  it('lets two concurrent runs on a new database apply each migration exactly once', async () => {
    const url = newDatabase();
    const [a, b] = await Promise.all([migrate(url), migrate(url)]);
    const names = (await readMigrations(defaultMigrationsDir())).map((m) => m.name);
    expect([...a.applied, ...b.applied].sort()).toEqual(names.sort());
    expect(await rowsOf(url)).toHaveLength(names.length);
  });

  it('reports a migration applied in the database but missing from the folder, and keeps it', async () => {
    const url = newDatabase();
    const dir = await scratchMigrations();
    await addMigration(dir, '29990101000000_gone', 'SELECT 1;');
    await migrate(url, { migrationsDir: dir });
    const result = await migrate(url);
    expect(result.unknownApplied).toEqual(['29990101000000_gone']);
  });

  it('gives a typed error for a migrations directory that does not exist or is malformed', async () => {
    const url = newDatabase();
    await expect(migrate(url, { migrationsDir: '/nonexistent/migrations' })).rejects.toBeInstanceOf(
      MigrationDirectoryError,
    );
    const dir = await scratchMigrations();
    await addMigration(dir, 'not-a-migration', 'SELECT 1;');
    await expect(migrate(url, { migrationsDir: dir })).rejects.toThrow(/folder name must look like/);
  });
});

describe('migrate against an unusable server', () => {
  it('says which server it cannot reach, without the password', async () => {
    const error = await migrate('postgresql://someone:secret@127.0.0.1:1/switchboard').catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(DatabaseUnreachableError);
    expect((error as Error).message).toMatch(
      /^cannot connect to postgresql:\/\/someone:\*\*\*@127\.0\.0\.1:1\/switchboard: /,
    );
    expect((error as Error).message).not.toContain('secret');
  });

  it('uses an existing database without touching the maintenance database', async () => {
    // A role that may connect only to its own database: no CONNECT on `postgres`.
    const url = newDatabase();
    const name = new URL(url).pathname.slice(1);
    const role = `sb_role_${name.slice(-8)}`;
    await withClient(requireServerUrl(), async (c) => {
      await c.query(`CREATE DATABASE "${name}"`);
      await c.query(`CREATE ROLE ${role} LOGIN PASSWORD 'pw'`);
      await c.query(`GRANT ALL ON DATABASE "${name}" TO ${role}`);
      await c.query(`REVOKE CONNECT ON DATABASE postgres FROM PUBLIC`);
    });
    try {
      await withClient(url, (c) => c.query(`GRANT ALL ON SCHEMA public TO ${role}`));
      const roleUrl = new URL(url);
      roleUrl.username = role;
      roleUrl.password = 'pw';
      const result = await migrate(roleUrl.href);
      expect(result.databaseCreated).toBe(false);
      expect(result.applied.length).toBeGreaterThan(0);
    } finally {
      await withClient(requireServerUrl(), async (c) => {
        await c.query('GRANT CONNECT ON DATABASE postgres TO PUBLIC');
        await c.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
        await c.query(`DROP ROLE IF EXISTS ${role}`);
      });
    }
  });
});
