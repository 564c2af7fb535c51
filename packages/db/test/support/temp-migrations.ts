import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';

import { defaultMigrationsDir } from '../../src/paths.js';

/** A scratch copy of prisma/migrations that a test may edit; `cleanup()` removes it. */
export async function copyRepositoryMigrations(): Promise<{ dir: string; cleanup: () => Promise<void> }> {
  const root = await mkdtemp(path.join(tmpdir(), 'switchboard-migrations-'));
  const dir = path.join(root, 'migrations');
  await cp(defaultMigrationsDir(), dir, { recursive: true });
  return { dir, cleanup: () => rm(root, { recursive: true, force: true }) };
}

export async function addMigration(dir: string, name: string, sql: string): Promise<void> {
  await mkdir(path.join(dir, name));
  await writeFile(path.join(dir, name, 'migration.sql'), sql);
}
