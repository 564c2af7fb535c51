import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { type PrismaClient, TrunkTransport } from '../src/generated/prisma/client.js';
import { migrate } from '../src/migrations/migrate.js';
import { createPrismaClient } from '../src/prisma-client-factory.js';
import { isUniqueViolation } from '../src/prisma-errors.js';
import { SecretBox, SecretBoxError } from '../src/secret-box.js';
import { sealTrunkPassword, TRUNK_PASSWORD_CONTEXT, TrunkReader } from '../src/trunks/trunk-reader.js';
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

  it('findByName (a prepared statement) gives what Prisma findUnique gives, on both query paths', async () => {
    const box = SecretBox.fromDataDir(dataDir);
    await prisma.trunk.create({
      data: {
        name: 'every-field',
        host: 'sip.every.example',
        port: 5070,
        transport: TrunkTransport.tcp,
        outboundProxy: 'proxy.example:5080',
        authUsername: 'user',
        passwordEncrypted: sealTrunkPassword(box, 'pw "quoted" ü'),
        register: true,
        registerExpiry: 600,
        fromUser: 'from-user',
        fromDomain: 'from.example',
        didSource: 'to',
        callerIdMode: 'pai',
        sendPrivacy: false,
        callerIdNumber: '+4930999',
        codecs: ['PCMA', 'G722'],
        maxConcurrentCalls: 7,
        inboundSources: ['198.51.100.0/24', '2001:db8::/32'],
      },
    });
    await prisma.trunk.create({ data: { name: 'off', host: 'off.example', enabled: false } });
    // Rows written by SQL of an older release: NULL lists.
    await prisma.trunk.create({ data: { name: 'null-lists', host: 'n.example' } });
    await prisma.$executeRaw`UPDATE trunks SET codecs = NULL, inbound_sources = NULL WHERE name = 'null-lists'`;

    const expected = async (name: string) => {
      const row = await prisma.trunk.findUnique({ where: { name } });
      if (!row) return undefined;
      const { passwordEncrypted, ...rest } = row;
      return {
        ...rest,
        password:
          passwordEncrypted === null ? undefined : box.decrypt(passwordEncrypted, TRUNK_PASSWORD_CONTEXT),
      };
    };
    // A client not made by createPrismaClient runs the same SQL through $queryRawUnsafe.
    for (const client of [prisma, Object.create(prisma) as PrismaClient]) {
      const reader = new TrunkReader(client, box);
      for (const name of ['every-field', 'off', 'null-lists', 'ip-trunk', 'carrier-a', 'nope']) {
        expect(await reader.findByName(name), name).toEqual(await expected(name));
      }
      expect(await reader.findByName('every-field')).toMatchObject({
        password: 'pw "quoted" ü',
        enabled: true,
      });
      expect(await reader.findByName('off')).toMatchObject({ enabled: false, password: undefined });
    }
  });
});
