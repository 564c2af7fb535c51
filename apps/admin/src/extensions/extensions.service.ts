import { Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import { likeLiteral } from '../common/like-pattern.js';
import {
  computeDigestCredentials,
  digestAlgorithmNames,
  listMusicClasses,
  storedDigestAlgorithms,
  type Prisma,
  type PrismaClient,
} from '../common/db.js';
import { ADMIN_OPTIONS, PRISMA } from '../common/tokens.js';
import { validationError } from '../common/zod-validation.pipe.js';
import { hashPassword } from '../auth/password-hasher.js';
import { generatePassword } from '../auth/random-secret.js';
import type {
  CreateExtensionInput,
  ExtensionView,
  ExtensionVoicemailInput,
  ListExtensionsQuery,
  UpdateExtensionInput,
} from './extension.schemas.js';

const withBox = { voicemailBox: { include: { messages: { select: { heard: true } } } } } as const;
type ExtensionRow = Prisma.ExtensionGetPayload<{ include: typeof withBox }>;

export function toExtensionView(row: ExtensionRow): ExtensionView {
  const box = row.voicemailBox;
  return {
    id: row.id,
    number: row.number,
    displayName: row.displayName,
    enabled: row.enabled,
    maxConcurrentCalls: row.maxConcurrentCalls,
    digestAlgorithms: digestAlgorithmNames(row.digestAlgorithms),
    mediaMode: row.mediaMode,
    srtpPolicy: row.srtpPolicy,
    dialClass: row.dialClass,
    externalNumber: row.externalNumber,
    maxExternalCalls: row.maxExternalCalls,
    pickupGroups: row.pickupGroups,
    directedPickup: row.directedPickup,
    mohClass: row.mohClass,
    hasSipPassword: row.ha1Md5 !== null || row.ha1Sha256 !== null,
    hasVoicemailPin: row.voicemailPinHash !== null,
    followMeEnabled: row.followMeEnabled,
    recordCalls: row.recordCalls,
    voicemail: box
      ? {
          enabled: box.enabled,
          email: box.email,
          messages: box.messages.length,
          unheard: box.messages.filter((m) => !m.heard).length,
        }
      : null,
    sipRealm: row.sipRealm,
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

/** The box a new extension gets: the one asked for, else an enabled one when it has a PIN. */
function boxOnCreate(input: CreateExtensionInput): ExtensionVoicemailInput | undefined {
  if (input.voicemail) return input.voicemail;
  return input.voicemailPin ? { enabled: true, email: null } : undefined;
}

/** Box changes of an update: upsert what was asked; a new PIN on an extension without a box creates one. */
function boxOnUpdate(input: UpdateExtensionInput, before: ExtensionRow) {
  const wanted =
    input.voicemail ??
    (input.voicemailPin && !before.voicemailBox ? { enabled: true, email: null } : undefined);
  return wanted ? { voicemailBox: { upsert: { create: wanted, update: wanted } } } : {};
}

/** Extensions (phone lines). SIP passwords are stored only as digest HA1s, so they are shown once. */
@Injectable()
export class ExtensionsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'sipRealm' | 'dataDir'>,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async list(query: ListExtensionsQuery): Promise<ExtensionView[]> {
    const search = query.search === undefined ? undefined : likeLiteral(query.search);
    const rows = await this.prisma.extension.findMany({
      where: {
        ...(query.enabled ? { enabled: query.enabled === 'true' } : {}),
        ...(search
          ? {
              OR: [
                { number: { contains: search } },
                { displayName: { contains: search, mode: 'insensitive' as const } },
              ],
            }
          : {}),
      },
      orderBy: { number: 'asc' },
      include: withBox,
    });
    return rows.map(toExtensionView);
  }

  async get(id: string): Promise<ExtensionView> {
    return toExtensionView(await this.findRow(id));
  }

  async findByNumber(number: string): Promise<ExtensionView | null> {
    const row = await this.prisma.extension.findUnique({ where: { number }, include: withBox });
    return row ? toExtensionView(row) : null;
  }

  async create(
    actor: AuditActor,
    input: CreateExtensionInput,
  ): Promise<{ extension: ExtensionView; sipPassword: string | null }> {
    await this.assertNumberFree(input.number);
    await this.assertMusicClass(input.mohClass);
    const generated = input.sipPassword === undefined ? generatePassword(20) : null;
    const password = input.sipPassword ?? generated ?? '';
    try {
      const row = await this.prisma.extension.create({
        data: {
          number: input.number,
          displayName: input.displayName,
          enabled: input.enabled,
          maxConcurrentCalls: input.maxConcurrentCalls,
          recordCalls: input.recordCalls,
          digestAlgorithms: storedDigestAlgorithms(input.digestAlgorithms),
          mediaMode: input.mediaMode,
          srtpPolicy: input.srtpPolicy,
          dialClass: input.dialClass,
          externalNumber: input.externalNumber,
          maxExternalCalls: input.maxExternalCalls,
          pickupGroups: input.pickupGroups,
          directedPickup: input.directedPickup,
          mohClass: input.mohClass,
          ...computeDigestCredentials(input.number, this.options.sipRealm, password),
          voicemailPinHash: input.voicemailPin ? await hashPassword(input.voicemailPin) : null,
          ...(boxOnCreate(input) ? { voicemailBox: { create: boxOnCreate(input) } } : {}),
        },
        include: withBox,
      });
      const extension = toExtensionView(row);
      await this.audit.record(actor, {
        action: 'create',
        entity: 'extension',
        entityId: row.id,
        after: extension,
      });
      return { extension, sipPassword: generated };
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('number', `number ${input.number} is already in use`);
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateExtensionInput): Promise<ExtensionView> {
    const before = await this.findRow(id);
    if (input.number !== undefined && input.number !== before.number) {
      await this.assertNumberFree(input.number);
      // The digest username is the number, so old HA1s no longer match: a new password is needed.
    }
    await this.assertMusicClass(input.mohClass);
    const numberChanged = input.number !== undefined && input.number !== before.number;
    try {
      const row = await this.prisma.extension.update({
        where: { id },
        data: {
          number: input.number,
          displayName: input.displayName,
          enabled: input.enabled,
          maxConcurrentCalls: input.maxConcurrentCalls,
          recordCalls: input.recordCalls,
          mediaMode: input.mediaMode,
          srtpPolicy: input.srtpPolicy,
          dialClass: input.dialClass,
          externalNumber: input.externalNumber,
          maxExternalCalls: input.maxExternalCalls,
          pickupGroups: input.pickupGroups,
          directedPickup: input.directedPickup,
          mohClass: input.mohClass,
          ...(input.digestAlgorithms !== undefined
            ? { digestAlgorithms: storedDigestAlgorithms(input.digestAlgorithms) }
            : {}),
          ...(numberChanged ? { ha1Md5: null, ha1Sha256: null } : {}),
          ...(input.voicemailPin !== undefined
            ? {
                voicemailPinHash: input.voicemailPin === null ? null : await hashPassword(input.voicemailPin),
              }
            : {}),
          ...boxOnUpdate(input, before),
        },
        include: withBox,
      });
      const after = toExtensionView(row);
      await this.audit.record(actor, {
        action: 'update',
        entity: 'extension',
        entityId: id,
        before: toExtensionView(before),
        after,
      });
      return after;
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict('number', `number ${input.number ?? ''} is already in use`);
      throw error;
    }
  }

  /** Sets (or generates) the SIP password; the plain password is returned this once only. */
  async setSipPassword(actor: AuditActor, id: string, password?: string): Promise<string> {
    const row = await this.findRow(id);
    const plain = password ?? generatePassword(20);
    await this.prisma.extension.update({
      where: { id },
      data: computeDigestCredentials(row.number, this.options.sipRealm, plain),
    });
    await this.audit.record(actor, { action: 'set_sip_password', entity: 'extension', entityId: id });
    return plain;
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const before = await this.findRow(id);
    await this.prisma.extension.delete({ where: { id } });
    await this.audit.record(actor, {
      action: 'delete',
      entity: 'extension',
      entityId: id,
      before: toExtensionView(before),
    });
  }

  private async findRow(id: string): Promise<ExtensionRow> {
    const row = await this.prisma.extension.findUnique({ where: { id }, include: withBox });
    if (!row) throw notFound('extension');
    return row;
  }

  /** A class the B2BUA could not find would play `default` without a word: refused with 400 instead. */
  private async assertMusicClass(name: string | null | undefined): Promise<void> {
    if (name === null || name === undefined) return;
    const classes = await listMusicClasses(this.options.dataDir);
    if (classes.some((c) => c.name === name)) return;
    const known = classes.map((c) => c.name).join(', ');
    throw validationError([
      {
        field: 'mohClass',
        message: `no music class '${name}' (a directory of WAVs under moh/; there are: ${known})`,
      },
    ]);
  }

  /** Extensions and ring groups share one dial plan, so a number may be used by only one of them. */
  private async assertNumberFree(number: string): Promise<void> {
    if (await this.prisma.extension.findUnique({ where: { number }, select: { id: true } })) {
      throw conflict('number', `number ${number} is already in use by an extension`);
    }
    if (await this.prisma.ringGroup.findUnique({ where: { number }, select: { id: true } })) {
      throw conflict('number', `number ${number} is already in use by a ring group`);
    }
  }
}
