import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { DatabaseUrlError } from '../src/db-errors.js';
import { computeDigestCredentials } from '../src/digest-ha1.js';
import {
  CallDisposition,
  FallbackKind,
  HangupSide,
  Prisma,
  type PrismaClient,
  RingStrategy,
} from '../src/generated/prisma/client.js';
import { migrate } from '../src/migrations/migrate.js';
import { preparedSqlOf } from '../src/prepared-sql.js';
import { createPrismaClient } from '../src/prisma-client-factory.js';
import { constraintViolation, isUniqueViolation } from '../src/prisma-errors.js';
import { dropDatabase, freshDatabaseUrl, requireServerUrl } from './support/test-database.js';

requireServerUrl();

const database = freshDatabaseUrl();
let prisma: PrismaClient;

beforeAll(async () => {
  await migrate(database.url);
  prisma = createPrismaClient(database.url, { maxConnections: 4 });
});

afterAll(async () => {
  await prisma.$disconnect();
  await dropDatabase(database.name);
});

/** The Prisma error code of a rejected promise (e.g. P2002 unique violation). */
async function prismaCode(promise: Promise<unknown>): Promise<string | undefined> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  return error instanceof Prisma.PrismaClientKnownRequestError ? error.code : undefined;
}

async function newExtension(number: string, displayName = `Ext ${number}`) {
  return prisma.extension.create({
    data: { number, displayName, ...computeDigestCredentials(number, 'switchboard', `pw-${number}`) },
  });
}

describe('createPrismaClient', () => {
  it('refuses a URL that is not postgresql:// with a typed error', () => {
    expect(() => createPrismaClient('mysql://localhost/x')).toThrow(DatabaseUrlError);
    expect(() => createPrismaClient('')).toThrow(/DATABASE_URL is not set/);
    expect(() => createPrismaClient('postgresql://localhost:5432')).toThrow(/names no database/);
  });
});

describe('preparedSqlOf', () => {
  it("runs named statements on the client's pool, and again after $disconnect (on the new pool)", async () => {
    const client = createPrismaClient(database.url, { maxConnections: 2 });
    const sql = preparedSqlOf(client);
    const twice = (n: number) => sql.query<{ n: number }>('twice', 'SELECT $1::int * 2 AS n', [n]);
    try {
      expect(await twice(2)).toEqual([{ n: 4 }]);
      expect(await twice(3)).toEqual([{ n: 6 }]);
      await client.$disconnect();
      expect(await twice(5)).toEqual([{ n: 10 }]);
    } finally {
      await client.$disconnect();
    }
  });

  it('runs the same SQL through $queryRawUnsafe for a client it did not make', async () => {
    const sql = preparedSqlOf(Object.create(prisma) as PrismaClient);
    expect(await sql.query('one', 'SELECT $1::text AS v', ['x'])).toEqual([{ v: 'x' }]);
  });
});

describe('Extension', () => {
  it('stores HA1 values and defaults, and finds by number', async () => {
    const created = await newExtension('1001', 'Alice');
    expect(created.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.enabled).toBe(true);
    expect(created.maxConcurrentCalls).toBe(2);
    expect(created.followMeEnabled).toBe(false);
    expect(created.voicemailPinHash).toBeNull();

    const found = await prisma.extension.findUnique({ where: { number: '1001' } });
    expect(found?.displayName).toBe('Alice');
    expect(found?.sipRealm).toBe('switchboard');
    expect(found?.ha1Md5).toBe(computeDigestCredentials('1001', 'switchboard', 'pw-1001').ha1Md5);
    expect(found?.ha1Sha256).toHaveLength(64);
  });

  it('refuses a second extension with the same number (P2002) and keeps the first', async () => {
    await newExtension('1002', 'Bob');
    expect(await prismaCode(newExtension('1002', 'Impostor'))).toBe('P2002');
    const rows = await prisma.extension.findMany({ where: { number: '1002' } });
    expect(rows.map((r) => r.displayName)).toEqual(['Bob']);
  });

  it('names the violated constraint so callers can answer 409 precisely', async () => {
    await newExtension('1004');
    const error = await newExtension('1004').catch((e: unknown) => e);
    expect(constraintViolation(error)).toEqual({
      kind: 'unique',
      model: 'Extension',
      constraint: 'extensions_number_key',
    });
    expect(isUniqueViolation(error, 'extensions_number_key')).toBe(true);
    expect(isUniqueViolation(error, 'admin_users_username_key')).toBe(false);

    const missing = await prisma.followMeStep
      .create({ data: { extensionId: '00000000-0000-4000-8000-000000000000', position: 0 } })
      .catch((e: unknown) => e);
    expect(constraintViolation(missing)).toEqual({
      kind: 'foreign-key',
      model: 'FollowMeStep',
      constraint: 'follow_me_steps_extension_id_fkey',
    });
    expect(constraintViolation(new Error('other'))).toBeUndefined();
  });

  it('bumps updatedAt on update and keeps createdAt', async () => {
    const ext = await newExtension('1003');
    const updated = await prisma.extension.update({
      where: { id: ext.id },
      data: { displayName: 'Carol', enabled: false },
    });
    expect(updated.displayName).toBe('Carol');
    expect(updated.enabled).toBe(false);
    expect(updated.createdAt.getTime()).toBe(ext.createdAt.getTime());
    expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(ext.updatedAt.getTime());
  });
});

describe('RingGroup', () => {
  it('keeps ordered members, strategy, timers and fallback', async () => {
    const [a, b, c] = await Promise.all([newExtension('2001'), newExtension('2002'), newExtension('2003')]);
    const group = await prisma.ringGroup.create({
      data: {
        number: '600',
        name: 'Sales',
        strategy: RingStrategy.roundrobin,
        ringTimeSeconds: 40,
        memberRingSeconds: 10,
        fallbackKind: FallbackKind.voicemail,
        fallbackTarget: '2001',
        callerIdPrefix: 'Sales: ',
        members: {
          create: [
            { extensionId: c.id, position: 2 },
            { extensionId: a.id, position: 0, ringSeconds: 5 },
            { extensionId: b.id, position: 1 },
          ],
        },
      },
    });
    const loaded = await prisma.ringGroup.findUniqueOrThrow({
      where: { number: '600' },
      include: { members: { orderBy: { position: 'asc' }, include: { extension: true } } },
    });
    expect(loaded.id).toBe(group.id);
    expect(loaded.strategy).toBe('roundrobin');
    expect(loaded.fallbackKind).toBe('voicemail');
    expect(loaded.members.map((m) => m.extension.number)).toEqual(['2001', '2002', '2003']);
    expect(loaded.members.map((m) => m.ringSeconds)).toEqual([5, null, null]);
  });

  it('refuses two members at the same position or the same extension twice', async () => {
    const [a, b] = await Promise.all([newExtension('2101'), newExtension('2102')]);
    const group = await prisma.ringGroup.create({
      data: { number: '601', name: 'Support', members: { create: [{ extensionId: a.id, position: 0 }] } },
    });
    expect(group.strategy).toBe('ringall');
    expect(
      await prismaCode(
        prisma.ringGroupMember.create({ data: { ringGroupId: group.id, extensionId: b.id, position: 0 } }),
      ),
    ).toBe('P2002');
    expect(
      await prismaCode(
        prisma.ringGroupMember.create({ data: { ringGroupId: group.id, extensionId: a.id, position: 1 } }),
      ),
    ).toBe('P2002');
  });

  it('deleting an extension removes its memberships', async () => {
    const [a, b] = await Promise.all([newExtension('2201'), newExtension('2202')]);
    const group = await prisma.ringGroup.create({
      data: {
        number: '602',
        name: 'Ops',
        members: {
          create: [
            { extensionId: a.id, position: 0 },
            { extensionId: b.id, position: 1 },
          ],
        },
      },
    });
    await prisma.extension.delete({ where: { id: a.id } });
    const after = await prisma.ringGroup.findUniqueOrThrow({
      where: { id: group.id },
      include: { members: true },
    });
    expect(after.members.map((m) => m.extensionId)).toEqual([b.id]);
  });
});

describe('FollowMeStep', () => {
  it('stores ordered steps with JSON target lists including external numbers', async () => {
    const ext = await newExtension('3001');
    await prisma.followMeStep.createMany({
      data: [
        {
          extensionId: ext.id,
          position: 1,
          targets: ['+4930123456', 'sip:alice@example.org'],
          ringSeconds: 25,
        },
        { extensionId: ext.id, position: 0, targets: ['3002'] },
      ],
    });
    const steps = await prisma.followMeStep.findMany({
      where: { extensionId: ext.id },
      orderBy: { position: 'asc' },
    });
    expect(steps.map((s) => s.targets)).toEqual([['3002'], ['+4930123456', 'sip:alice@example.org']]);
    expect(steps.map((s) => s.ringSeconds)).toEqual([20, 25]);
    expect(await prismaCode(prisma.followMeStep.create({ data: { extensionId: ext.id, position: 0 } }))).toBe(
      'P2002',
    );
  });
});

describe('Voicemail', () => {
  it('one box per extension; messages are idempotent on their key', async () => {
    const ext = await newExtension('4001');
    const box = await prisma.voicemailBox.create({ data: { extensionId: ext.id, email: 'a@example.org' } });
    expect(box.maxMessageSeconds).toBe(180);
    expect(await prismaCode(prisma.voicemailBox.create({ data: { extensionId: ext.id } }))).toBe('P2002');

    const write = () =>
      prisma.voicemailMessage.upsert({
        where: { idempotencyKey: 'job-42' },
        create: {
          boxId: box.id,
          callerNumber: '+4930999',
          durationSeconds: 12,
          wavPath: 'vm/4001/1.wav',
          idempotencyKey: 'job-42',
        },
        update: {},
      });
    const first = await write();
    const retried = await write();
    expect(retried.id).toBe(first.id);
    expect(first.heard).toBe(false);
    expect(await prisma.voicemailMessage.count({ where: { boxId: box.id } })).toBe(1);

    await prisma.extension.delete({ where: { id: ext.id } });
    expect(await prisma.voicemailMessage.count({ where: { idempotencyKey: 'job-42' } })).toBe(0);
  });
});

describe('CallRecord', () => {
  it('is keyed by the call id, so a retried write updates the same row', async () => {
    const startedAt = new Date('2026-01-02T03:04:05.678Z');
    const write = (disposition: CallDisposition, endedAt: Date | null) =>
      prisma.callRecord.upsert({
        where: { id: 'call-abc' },
        create: {
          id: 'call-abc',
          callerNumber: '1001',
          calleeNumber: '600',
          startedAt,
          disposition,
          legs: [{ target: '2001', status: 180 }],
        },
        update: { disposition, endedAt, hangupSide: HangupSide.caller, hangupCause: 'BYE' },
      });
    await write(CallDisposition.no_answer, null);
    await write(CallDisposition.answered, new Date('2026-01-02T03:05:00Z'));
    const rows = await prisma.callRecord.findMany({ where: { id: 'call-abc' } });
    expect(rows).toHaveLength(1);
    expect(rows[0]?.disposition).toBe('answered');
    expect(rows[0]?.hangupSide).toBe('caller');
    expect(rows[0]?.startedAt.toISOString()).toBe('2026-01-02T03:04:05.678Z');
    expect(rows[0]?.legs).toEqual([{ target: '2001', status: 180 }]);
  });
});

describe('AdminUser, AdminSession and AuditLog', () => {
  it('usernames are unique; sessions go with their user; audit rows outlive it', async () => {
    const user = await prisma.adminUser.create({
      data: { username: 'office', passwordHash: '$argon2id$v=19$m=65536,t=3,p=4$c2FsdA$aGFzaA' },
    });
    expect(user.mustChangePassword).toBe(false);
    expect(user.failedLogins).toBe(0);
    expect(user.lockedUntil).toBeNull();
    expect(
      await prismaCode(prisma.adminUser.create({ data: { username: 'office', passwordHash: 'x' } })),
    ).toBe('P2002');

    await prisma.adminSession.create({
      data: {
        id: 'a'.repeat(64),
        adminUserId: user.id,
        csrfToken: 'csrf',
        expiresAt: new Date(Date.now() + 3_600_000),
      },
    });
    const audit = await prisma.auditLog.create({
      data: {
        actorId: user.id,
        actor: 'office',
        action: 'update',
        entity: 'extension',
        entityId: '1001',
        before: { displayName: 'A' },
        after: { displayName: 'B' },
      },
    });

    await prisma.adminUser.delete({ where: { id: user.id } });
    expect(await prisma.adminSession.count({ where: { adminUserId: user.id } })).toBe(0);
    const kept = await prisma.auditLog.findUniqueOrThrow({ where: { id: audit.id } });
    expect(kept.actorId).toBeNull();
    expect(kept.actor).toBe('office');
    expect(kept.after).toEqual({ displayName: 'B' });
  });
});
