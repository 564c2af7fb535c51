#!/usr/bin/env node
// `pnpm migration:new <name>` writes prisma/migrations/<timestamp>_<name>/migration.sql for the
// difference between the existing migrations and prisma/schema.prisma.
// `pnpm migration:new --check` exits 1 (printing the SQL) when the schema has changes no migration has.
import { createMigration } from '../migrations/create-migration.js';
import { defaultMigrationsDir, defaultSchemaPath } from '../paths.js';
import { requireDatabaseUrl, runCli } from './run-cli.js';

runCli(async () => {
  const args = process.argv.slice(2);
  const checkOnly = args.includes('--check');
  const name = args.filter((a) => !a.startsWith('--')).join('_');
  const result = await createMigration({
    databaseUrl: requireDatabaseUrl(),
    schemaPath: defaultSchemaPath(),
    migrationsDir: defaultMigrationsDir(),
    checkOnly,
    name,
  });
  if (result.sql === '') {
    console.log('migration:new: prisma/schema.prisma matches the migrations; nothing to write');
  } else if (checkOnly) {
    console.error('migration:new: prisma/schema.prisma has changes that no migration contains:\n');
    console.error(result.sql);
    process.exitCode = 1;
  } else {
    console.log(`migration:new: wrote ${result.folder ?? '?'}/migration.sql:\n`);
    console.log(result.sql);
    console.log('Review it, apply it with `pnpm migrate`, and commit the folder with the schema change.');
  }
});
