import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { readMigrations } from '../src/migrations/migration-directory.js';
import { defaultMigrationsDir } from '../src/paths.js';
import { dropDatabase, freshDatabaseUrl, requireServerUrl } from './support/test-database.js';

requireServerUrl();

// The commands as shipped: compiled output (turbo runs `build` before `test`).
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const database = freshDatabaseUrl();
afterAll(() => dropDatabase(database.name));

function run(
  command: 'migrate' | 'seed',
  env: NodeJS.ProcessEnv,
): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [path.join(packageDir, 'dist/cli', `${command}.js`)], {
    env,
    encoding: 'utf8',
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('migrate and seed commands', () => {
  it('stop with one clear line and status 1 when DATABASE_URL is missing', () => {
    const env = { ...process.env };
    delete env['DATABASE_URL'];
    for (const command of ['migrate', 'seed'] as const) {
      const result = run(command, env);
      expect(result.status).toBe(1);
      expect(result.stderr.trim()).toMatch(/^error: DATABASE_URL is not set/);
    }
  });

  it('create the database, migrate, and are no-ops the second time', async () => {
    const count = (await readMigrations(defaultMigrationsDir())).length;
    const env = { ...process.env, DATABASE_URL: database.url };
    const first = run('migrate', env);
    expect(first.status).toBe(0);
    expect(first.stdout).toContain(`created database ${database.name}`);
    expect(first.stdout).toContain(`migrate: ${count} applied, 0 already up to date`);
    const second = run('migrate', env);
    expect(second.stdout).toContain(`migrate: 0 applied, ${count} already up to date`);

    expect(run('seed', env).stdout).toContain('seed: created 3 row(s) (extensions, ring-group, find-me)');
    expect(run('seed', env).stdout).toContain('seed: created 0 row(s), 3 already present');
  });
});
