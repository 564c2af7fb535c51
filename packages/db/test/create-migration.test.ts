import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { afterAll, describe, expect, it } from 'vitest';

import { createMigration, migrationSlug, nextTimestamp } from '../src/migrations/create-migration.js';
import { migrate } from '../src/migrations/migrate.js';
import { MIGRATION_LOCK_CONTENT, readMigrations } from '../src/migrations/migration-directory.js';
import { openSchemaEngine, toEngineMigrationList } from '../src/migrations/schema-engine-wasm.js';
import { defaultMigrationsDir, defaultSchemaPath } from '../src/paths.js';
import { copyRepositoryMigrations } from './support/temp-migrations.js';
import { dropDatabase, freshDatabaseUrl, requireServerUrl, withClient } from './support/test-database.js';

const serverUrl = requireServerUrl();

const created: string[] = [];
const cleanups: (() => Promise<void>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups) await cleanup();
  for (const name of created) await dropDatabase(name);
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'switchboard-db-test-'));
  cleanups.push(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

describe('createMigration (offline `migration:new`)', () => {
  it('finds prisma/schema.prisma in sync with prisma/migrations (a schema change without a migration fails here)', async () => {
    const result = await createMigration({
      databaseUrl: serverUrl,
      schemaPath: defaultSchemaPath(),
      migrationsDir: defaultMigrationsDir(),
      checkOnly: true,
    });
    expect(result.sql).toBe('');
  });

  it('regenerates the committed last migration byte for byte from the migrations before it', async () => {
    const committed = await readMigrations(defaultMigrationsDir());
    const last = committed.at(-1)!;
    const dir = path.join(await tempDir(), 'migrations');
    for (const m of committed.slice(0, -1)) {
      await mkdir(path.join(dir, m.name), { recursive: true });
      await writeFile(path.join(dir, m.name, 'migration.sql'), m.script);
    }
    const result = await createMigration({
      databaseUrl: serverUrl,
      schemaPath: defaultSchemaPath(),
      migrationsDir: dir,
      name: last.name.replace(/^\d{14}_/, ''),
    });
    expect(result.sql).toBe(last.script);
    expect(await readFile(path.join(dir, 'migration_lock.toml'), 'utf8')).toBe(MIGRATION_LOCK_CONTENT);
  });

  it('writes the next migration for a schema change, which migrate then applies', async () => {
    const copy = await copyRepositoryMigrations();
    cleanups.push(copy.cleanup);
    const schemaPath = path.join(await tempDir(), 'schema.prisma');
    const schema = await readFile(defaultSchemaPath(), 'utf8');
    await writeFile(
      schemaPath,
      `${schema}\nmodel BlockedNumber {\n  number String @id @db.VarChar(64)\n  reason String?\n\n  @@map("blocked_numbers")\n}\n`,
    );

    const before = await readMigrations(copy.dir);
    const result = await createMigration({
      databaseUrl: serverUrl,
      schemaPath,
      migrationsDir: copy.dir,
      name: 'Add blocklist!',
    });
    expect(result.sql).toContain('CREATE TABLE "blocked_numbers"');
    expect(result.sql).not.toContain('CREATE TABLE "extensions"');
    const after = await readMigrations(copy.dir);
    expect(after).toHaveLength(before.length + 1);
    const added = after.at(-1)!;
    expect(added.name).toMatch(/^\d{14}_add_blocklist$/);
    expect(added.name > before.at(-1)!.name).toBe(true);
    expect(result.folder).toBe(path.join(copy.dir, added.name));

    const db = freshDatabaseUrl();
    created.push(db.name);
    const applied = await migrate(db.url, { migrationsDir: copy.dir });
    expect(applied.applied.at(-1)).toBe(added.name);
    await withClient(db.url, (c) => c.query("INSERT INTO blocked_numbers (number) VALUES ('+1900')"));

    const again = await createMigration({
      databaseUrl: serverUrl,
      schemaPath,
      migrationsDir: copy.dir,
      checkOnly: true,
    });
    expect(again.sql).toBe('');
    // No shadow databases are left behind.
    const leftovers = await withClient(
      serverUrl,
      async (c) =>
        (await c.query("SELECT datname FROM pg_database WHERE datname LIKE 'switchboard_shadow_%'")).rowCount,
    );
    expect(leftovers).toBe(0);
  });

  it('needs a name unless checking', async () => {
    await expect(
      createMigration({
        databaseUrl: serverUrl,
        schemaPath: defaultSchemaPath(),
        migrationsDir: await tempDir(),
        name: ' !! ',
      }),
    ).rejects.toThrow(/needs a name/);
  });
});

describe('migration names', () => {
  it('slugifies like Prisma and keeps timestamps increasing', () => {
    expect(migrationSlug('Add Ring-Group memory')).toBe('add_ring_group_memory');
    const existing = [{ name: '20300101000000_future', script: '', checksum: '' }];
    expect(nextTimestamp(new Date('2026-11-26T10:00:54Z'), [])).toBe('20261126100054');
    expect(nextTimestamp(new Date('2026-11-26T10:00:54Z'), existing)).toBe('20300101000001');
  });
});

describe('compatibility with Prisma Migrate (the same engine code `prisma migrate deploy` runs)', () => {
  const engineInput = async () => {
    const migrations = await readMigrations(defaultMigrationsDir());
    return toEngineMigrationList(defaultMigrationsDir(), MIGRATION_LOCK_CONTENT, migrations);
  };
  const filters = { externalTables: [], externalEnums: [] };

  it('Prisma sees a database migrated by us as up to date, with no edited or failed migrations', async () => {
    const db = freshDatabaseUrl();
    created.push(db.name);
    await migrate(db.url);
    const engine = await openSchemaEngine(db.url, await readFile(defaultSchemaPath(), 'utf8'));
    try {
      const migrationsList = await engineInput();
      const diagnosis = await engine.diagnoseMigrationHistory({
        migrationsList,
        optInToShadowDatabase: false,
        filters,
      });
      expect(diagnosis.hasMigrationsTable).toBe(true);
      expect(diagnosis.editedMigrationNames).toEqual([]);
      expect(diagnosis.failedMigrationNames).toEqual([]);
      expect(diagnosis.history).toBeNull();
      const deploy = await engine.applyMigrations({ migrationsList, filters });
      expect(deploy.appliedMigrationNames).toEqual([]);
    } finally {
      engine.free();
    }
  });

  it('we see a database migrated by Prisma as up to date', async () => {
    const db = freshDatabaseUrl();
    created.push(db.name);
    await withClient(serverUrl, (c) => c.query(`CREATE DATABASE "${db.name}"`));
    const engine = await openSchemaEngine(db.url, await readFile(defaultSchemaPath(), 'utf8'));
    try {
      const deploy = await engine.applyMigrations({ migrationsList: await engineInput(), filters });
      expect(deploy.appliedMigrationNames).toEqual(
        (await readMigrations(defaultMigrationsDir())).map((m) => m.name),
      );
    } finally {
      engine.free();
    }
    const ours = await migrate(db.url);
    expect(ours.applied).toEqual([]);
    expect(ours.alreadyApplied).toHaveLength(
      (await readdir(defaultMigrationsDir())).filter((n) => /^\d{14}_/.test(n)).length,
    );
  }, 180_000); // the engine applies statement by statement: slow on a busy 2-core machine
});
