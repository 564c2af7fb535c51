import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PrismaClient, TrunkTransport } from '../src/generated/prisma/client.js';
import { migrate } from '../src/migrations/migrate.js';
import { createPrismaClient } from '../src/prisma-client-factory.js';
import { isUniqueViolation } from '../src/prisma-errors.js';
import { SecretBox, SecretBoxError } from '../src/secret-box.js';
import { sealTrunkPassword, TrunkReader } from '../src/trunks/trunk-reader.js';
import { dropDatabase, freshDatabaseUrl, requireServerUrl } from './support/test-database.js';

requireServerUrl();

const database = freshDatabaseUrl();
const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trunk-reader-'));
let prisma: PrismaClient;

beforeAll(async () => {
  await migrate(database.url);
  prisma = createPrismaClient(database.url, { maxConnections: 2 });
});

afterAll(async () => {
  await prisma.$disconnect();
  await dropDatabase(database.name);
  fs.rmSync(dataDir, { recursive: true, force: true });
});

describe('TrunkReader', () => {
  it('stores the password sealed and gives it back decrypted, with the defaults of a new trunk', async () => {
    const box = SecretBox.fromDataDir(dataDir);
    await prisma.trunk.create({
      data: {
        name: 'carrier-a',
        host: 'sip.carrier.example',
        transport: TrunkTransport.tls,
        authUsername: '4930123',
        passwordEncrypted: sealTrunkPassword(box, 'provider-pw'),
        register: true,
        inboundSources: ['192.0.2.0/24'],
      },
    });
    await prisma.trunk.create({ data: { name: 'ip-trunk', host: '198.51.100.1', enabled: false } });

    const raw = await prisma.trunk.findUniqueOrThrow({ where: { name: 'carrier-a' } });
    expect(raw.passwordEncrypted).not.toContain('provider-pw');

    const reader = new TrunkReader(prisma, box);
    const trunk = await reader.findByName('carrier-a');
    expect(trunk).toMatchObject({
      password: 'provider-pw',
      port: null,
      registerExpiry: 3600,
      didSource: 'request_uri',
      callerIdMode: 'from',
      sendPrivacy: true,
      codecs: [],
      maxConcurrentCalls: null,
      inboundSources: ['192.0.2.0/24'],
    });
    expect(trunk).not.toHaveProperty('passwordEncrypted');
    expect((await reader.listEnabled()).map((t) => t.name)).toEqual(['carrier-a']);
    expect((await reader.listAll()).map((t) => [t.name, t.password])).toEqual([
      ['carrier-a', 'provider-pw'],
      ['ip-trunk', undefined],
    ]);
    expect(await reader.findById(raw.id)).toMatchObject({ name: 'carrier-a' });
    expect(await reader.findByName('nope')).toBeUndefined();
  });

  it('refuses a duplicate name through the trunks_name_key constraint', async () => {
    const error = await prisma.trunk
      .create({ data: { name: 'carrier-a', host: 'x.example' } })
      .catch((e: unknown) => e);
    expect(isUniqueViolation(error, 'trunks_name_key')).toBe(true);
  });

  it('names the trunk when the data directory key cannot open its password', async () => {
    const reader = new TrunkReader(prisma, SecretBox.fromKey(Buffer.alloc(32, 9)));
    const error = await reader.findByName('carrier-a').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SecretBoxError);
    expect((error as Error).message).toMatch(/^trunk "carrier-a": /);
  });
});
