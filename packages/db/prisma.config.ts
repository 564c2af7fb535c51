// For the Prisma CLI where its native engine is available (`prisma migrate deploy`, `prisma studio`):
// run it from this directory. Offline, use this package's `migrate` / `migration:new` commands instead.
import { defineConfig } from 'prisma/config';

export default defineConfig({
  schema: '../../prisma/schema.prisma',
  migrations: { path: '../../prisma/migrations', seed: 'node dist/cli/seed.js' },
  datasource: { url: process.env['DATABASE_URL'] ?? '' },
});
