#!/usr/bin/env node
// `pnpm --filter @switchboard/db run seed`: create the default rows that are missing; never overwrites.
import { createPrismaClient } from '../prisma-client-factory.js';
import { seed } from '../seed.js';
import { requireDatabaseUrl, runCli } from './run-cli.js';

runCli(async () => {
  const prisma = createPrismaClient(requireDatabaseUrl(), { maxConnections: 2 });
  try {
    const result = await seed(prisma);
    console.log(
      `seed: created ${result.created.length} row(s)${result.created.length > 0 ? ` (${result.created.join(', ')})` : ''}, ${result.existing.length} already present`,
    );
  } finally {
    await prisma.$disconnect();
  }
});
