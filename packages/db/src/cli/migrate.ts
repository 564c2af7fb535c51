#!/usr/bin/env node
// `pnpm --filter @switchboard/db run migrate`: apply pending prisma/migrations to $DATABASE_URL.
import { redactDatabaseUrl } from '../database-url.js';
import { migrate } from '../migrations/migrate.js';
import { requireDatabaseUrl, runCli } from './run-cli.js';

runCli(async () => {
  const url = requireDatabaseUrl();
  console.log(`migrate: ${redactDatabaseUrl(url)}`);
  const result = await migrate(url, { log: (line) => console.log(`migrate: ${line}`) });
  for (const name of result.unknownApplied) {
    console.warn(`migrate: warning: ${name} is applied in the database but not in prisma/migrations`);
  }
  console.log(
    `migrate: ${result.applied.length} applied, ${result.alreadyApplied.length} already up to date`,
  );
});
