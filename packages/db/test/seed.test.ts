import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import type { PrismaClient } from '../src/generated/prisma/client.js';
import { migrate } from '../src/migrations/migrate.js';
import { createPrismaClient } from '../src/prisma-client-factory.js';
import { DEFAULT_PLUGIN_CONFIGS, seed } from '../src/seed.js';
import { dropDatabase, freshDatabaseUrl, requireServerUrl } from './support/test-database.js';

requireServerUrl();

const database = freshDatabaseUrl();
let prisma: PrismaClient;

beforeAll(async () => {
  await migrate(database.url);
  prisma = createPrismaClient(database.url, { maxConnections: 2 });
});

afterAll(async () => {
  await prisma.$disconnect();
  await dropDatabase(database.name);
});

describe('seed', () => {
  it('creates the first-party plugin rows once; a second run creates and changes nothing', async () => {
    const first = await seed(prisma);
    expect(first.created).toEqual(['extensions', 'ring-group', 'find-me']);
    expect(first.existing).toEqual([]);
    const rows = await prisma.pluginConfig.findMany({ orderBy: { pluginId: 'asc' } });
    expect(rows.map((r) => [r.pluginId, r.enabled])).toEqual([
      ['extensions', true],
      ['find-me', true],
      ['ring-group', true],
    ]);
    expect(rows.find((r) => r.pluginId === 'extensions')?.config).toEqual(DEFAULT_PLUGIN_CONFIGS[0]?.config);

    const second = await seed(prisma);
    expect(second.created).toEqual([]);
    expect(second.existing).toEqual(['extensions', 'ring-group', 'find-me']);
    expect(await prisma.pluginConfig.findMany({ orderBy: { pluginId: 'asc' } })).toEqual(rows);
  });

  it('never overwrites what an operator changed, and restores only deleted rows', async () => {
    await seed(prisma);
    await prisma.pluginConfig.update({
      where: { pluginId: 'find-me' },
      data: { enabled: false, config: { custom: 1 } },
    });
    await prisma.pluginConfig.delete({ where: { pluginId: 'ring-group' } });
    const result = await seed(prisma);
    expect(result.created).toEqual(['ring-group']);
    const findMe = await prisma.pluginConfig.findUniqueOrThrow({ where: { pluginId: 'find-me' } });
    expect(findMe.enabled).toBe(false);
    expect(findMe.config).toEqual({ custom: 1 });
  });

  it('seeds no users and no credentials', async () => {
    await seed(prisma);
    expect(await prisma.adminUser.count()).toBe(0);
    expect(await prisma.extension.count()).toBe(0);
  });
});
