import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryRepository } from '../src/repositories/directory.repository.js';
import { ExtensionRepository } from '../src/repositories/extension.repository.js';
import { PbxSettingsRepository } from '../src/repositories/pbx-settings.repository.js';
import { createTestDatabase } from './support/test-env.js';

/**
 * The routing worker's directory reads (prepared statements on the pg pool) in the plugin SDK's
 * shapes, on a real PostgreSQL; the same reads through a client not made by createPrismaClient
 * (the `$queryRawUnsafe` path) give the same answers.
 */
let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
  const ext = (number: string, data: Record<string, unknown> = {}) =>
    prisma.extension.create({ data: { number, displayName: `Ext ${number}`, ...data } });
  const a = await ext('201', {
    dialClass: 'international',
    externalNumber: '+4930201',
    maxExternalCalls: 3,
    followMeEnabled: true,
    followMeFinalKind: 'voicemail',
    voicemailBox: { create: { enabled: true } },
  });
  const b = await ext('202', { followMeFinalKind: 'extension', maxConcurrentCalls: 4 });
  await ext('203', { voicemailBox: { create: { enabled: false } } });
  await prisma.followMeStep.createMany({
    data: [
      { extensionId: a.id, position: 2, targets: ['+4917012', 7], ringSeconds: 30 },
      { extensionId: a.id, position: 1, targets: ['202', '203'], ringSeconds: 15 },
      { extensionId: b.id, position: 1, targets: { not: 'a list' }, ringSeconds: 10 },
    ],
  });
  await prisma.ringGroup.create({
    data: {
      number: '600',
      name: 'Sales',
      strategy: 'roundrobin',
      fallbackKind: 'voicemail',
      fallbackTarget: '201',
      callerIdPrefix: 'Sales: ',
      members: {
        create: [
          { extensionId: b.id, position: 2, ringSeconds: 25 },
          { extensionId: a.id, position: 1 },
        ],
      },
    },
  });
  await prisma.ringGroup.create({ data: { number: '601', name: 'Empty', fallbackKind: 'extension' } });
  await prisma.ivrMenu.create({ data: { number: '700', name: 'Main', enabled: false } });
  await prisma.ivrMenu.create({ data: { name: 'Unnumbered' } });
  await prisma.conferenceRoom.create({
    data: { number: '800', name: 'Room', pinHash: 'x', maxParticipants: 5 },
  });
  await prisma.conferenceRoom.create({ data: { number: '801', name: 'Open', announceJoin: false } });
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

/** The same repositories over a pool made by createPrismaClient and over a plain PrismaClient. */
function repositories(client: PrismaClient) {
  return {
    extensions: new ExtensionRepository(client),
    directory: new DirectoryRepository(client),
    settings: new PbxSettingsRepository(client),
  };
}

describe.each([
  ['prepared statements', () => prisma],
  ['the $queryRawUnsafe path', () => Object.create(prisma) as PrismaClient],
])('directory reads through %s', (_name, client) => {
  it('extension info: mailbox, dial class, external number; unknown is undefined', async () => {
    const { extensions } = repositories(client());
    expect(await extensions.findInfo('201')).toEqual({
      number: '201',
      displayName: 'Ext 201',
      enabled: true,
      maxConcurrentCalls: 2,
      hasVoicemail: true,
      dialClass: 'international',
      externalNumber: '+4930201',
      maxExternalCalls: 3,
    });
    expect(await extensions.findInfo('202')).toEqual({
      number: '202',
      displayName: 'Ext 202',
      enabled: true,
      maxConcurrentCalls: 4,
      hasVoicemail: false,
      dialClass: 'national',
      maxExternalCalls: 2,
    });
    expect((await extensions.findInfo('203'))?.hasVoicemail).toBe(false);
    expect(await extensions.findInfo('299')).toBeUndefined();
  });

  it("outside-call limit (trunk legs): the extension's maxExternalCalls as Prisma reads it; unknown is 0", async () => {
    const { extensions } = repositories(client());
    for (const number of ['201', '202', '203']) {
      const row = await prisma.extension.findUnique({
        where: { number },
        select: { maxExternalCalls: true },
      });
      expect(await extensions.maxExternalCalls(number), number).toBe(row?.maxExternalCalls);
    }
    expect(await extensions.maxExternalCalls('201')).toBe(3);
    expect(await extensions.maxExternalCalls('299')).toBe(0);
  });

  it('ring group: members in ring order, fallback, prefix; a group without members', async () => {
    const { directory } = repositories(client());
    expect(await directory.ringGroup('600')).toEqual({
      number: '600',
      name: 'Sales',
      enabled: true,
      strategy: 'roundrobin',
      ringTimeSeconds: 30,
      memberRingSeconds: 15,
      members: [{ extension: '201' }, { extension: '202', ringSeconds: 25 }],
      fallback: { kind: 'voicemail', target: '201' },
      callerIdPrefix: 'Sales: ',
    });
    expect(await directory.ringGroup('601')).toMatchObject({ members: [], fallback: { kind: 'none' } });
    expect(await directory.ringGroup('699')).toBeUndefined();
  });

  it("follow-me: steps in order, only string targets, the extension's own mailbox by default", async () => {
    const { directory } = repositories(client());
    expect(await directory.followMe('201')).toEqual({
      extension: '201',
      enabled: true,
      steps: [
        { targets: ['202', '203'], ringSeconds: 15 },
        { targets: ['+4917012'], ringSeconds: 30 },
      ],
      finalDestination: { kind: 'voicemail', target: '201' },
    });
    expect(await directory.followMe('202')).toEqual({
      extension: '202',
      enabled: false,
      steps: [{ targets: [], ringSeconds: 10 }],
      finalDestination: { kind: 'none' },
    });
    expect((await directory.followMe('203'))?.steps).toEqual([]);
    expect(await directory.followMe('299')).toBeUndefined();
  });

  it('menus and conference rooms', async () => {
    const { directory } = repositories(client());
    expect(await directory.menu('700')).toMatchObject({ number: '700', name: 'Main', enabled: false });
    expect(await directory.menu('799')).toBeUndefined();
    expect(await directory.conferenceRoom('800')).toEqual({
      number: '800',
      name: 'Room',
      enabled: true,
      hasPin: true,
      maxParticipants: 5,
      announceJoin: true,
    });
    expect(await directory.conferenceRoom('801')).toMatchObject({ hasPin: false, announceJoin: false });
    expect(await directory.conferenceRoom('899')).toBeUndefined();
  });

  it('time zone: UTC until the settings row is written, then its zone', async () => {
    const { settings } = repositories(client());
    await prisma.pbxSettings.deleteMany();
    expect(await settings.timeZone()).toBe('UTC');
    await prisma.pbxSettings.create({ data: { timeZone: 'Europe/Berlin' } });
    expect(await settings.timeZone()).toBe('Europe/Berlin');
  });
});
