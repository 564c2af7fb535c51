import { Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import type { Prisma, PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import { validationError } from '../common/zod-validation.pipe.js';
import {
  fallbackKindsWithoutTarget,
  type CreateRingGroupInput,
  type RingGroupView,
  type UpdateRingGroupInput,
} from './ring-group.schemas.js';

const withMembers = {
  members: { orderBy: { position: 'asc' }, include: { extension: true } },
} as const satisfies Prisma.RingGroupInclude;
type RingGroupRow = Prisma.RingGroupGetPayload<{ include: typeof withMembers }>;

function toView(row: RingGroupRow): RingGroupView {
  return {
    id: row.id,
    number: row.number,
    name: row.name,
    enabled: row.enabled,
    strategy: row.strategy,
    ringTimeSeconds: row.ringTimeSeconds,
    memberRingSeconds: row.memberRingSeconds,
    fallbackKind: row.fallbackKind,
    fallbackTarget: row.fallbackTarget,
    callerIdPrefix: row.callerIdPrefix,
    recordCalls: row.recordCalls,
    members: row.members.map((m) => ({
      position: m.position,
      extensionId: m.extensionId,
      number: m.extension.number,
      displayName: m.extension.displayName,
      ringSeconds: m.ringSeconds,
    })),
    createdAt: row.createdAt.toISOString(),
    updatedAt: row.updatedAt.toISOString(),
  };
}

type MemberInput = NonNullable<UpdateRingGroupInput['members']>;

@Injectable()
export class RingGroupsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async list(): Promise<RingGroupView[]> {
    const rows = await this.prisma.ringGroup.findMany({ include: withMembers, orderBy: { number: 'asc' } });
    return rows.map(toView);
  }

  async get(id: string): Promise<RingGroupView> {
    return toView(await this.findRow(id));
  }

  async create(actor: AuditActor, input: CreateRingGroupInput): Promise<RingGroupView> {
    await this.assertNumberFree(input.number, null);
    const members = await this.resolveMembers(input.members);
    const { members: _members, ...fields } = input;
    try {
      const row = await this.prisma.ringGroup.create({
        data: { ...fields, members: { create: members } },
        include: withMembers,
      });
      const view = toView(row);
      await this.audit.record(actor, {
        action: 'create',
        entity: 'ring_group',
        entityId: row.id,
        after: view,
      });
      return view;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('number', `number ${input.number} is already in use`);
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateRingGroupInput): Promise<RingGroupView> {
    const before = await this.findRow(id);
    if (input.number !== undefined && input.number !== before.number)
      await this.assertNumberFree(input.number, id);
    const merged = {
      fallbackKind: input.fallbackKind ?? before.fallbackKind,
      fallbackTarget: input.fallbackTarget !== undefined ? input.fallbackTarget : before.fallbackTarget,
    };
    if (!fallbackKindsWithoutTarget.has(merged.fallbackKind) && !merged.fallbackTarget) {
      throw validationError([
        { field: 'fallbackTarget', message: `is required when fallbackKind is ${merged.fallbackKind}` },
      ]);
    }
    const members = input.members ? await this.resolveMembers(input.members) : null;
    const { members: _members, ...fields } = input;
    try {
      const row = await this.prisma.$transaction(async (tx) => {
        if (members) {
          await tx.ringGroupMember.deleteMany({ where: { ringGroupId: id } });
          await tx.ringGroupMember.createMany({ data: members.map((m) => ({ ...m, ringGroupId: id })) });
        }
        return tx.ringGroup.update({ where: { id }, data: fields, include: withMembers });
      });
      const after = toView(row);
      await this.audit.record(actor, {
        action: 'update',
        entity: 'ring_group',
        entityId: id,
        before: toView(before),
        after,
      });
      return after;
    } catch (error) {
      if (isUniqueViolation(error))
        throw conflict('number', `number ${input.number ?? ''} is already in use`);
      throw error;
    }
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const before = await this.findRow(id);
    await this.prisma.ringGroup.delete({ where: { id } });
    await this.audit.record(actor, {
      action: 'delete',
      entity: 'ring_group',
      entityId: id,
      before: toView(before),
    });
  }

  private async findRow(id: string): Promise<RingGroupRow> {
    const row = await this.prisma.ringGroup.findUnique({ where: { id }, include: withMembers });
    if (!row) throw notFound('ring group');
    return row;
  }

  /** Extension numbers to member rows, in order; unknown numbers are a 400 on that member. */
  private async resolveMembers(members: MemberInput) {
    const numbers = members.map((m) => m.extension);
    const found = await this.prisma.extension.findMany({ where: { number: { in: numbers } } });
    const byNumber = new Map(found.map((e) => [e.number, e.id]));
    const missing = members.flatMap((m, i) =>
      byNumber.has(m.extension)
        ? []
        : [{ field: `members.${i}.extension`, message: `no extension ${m.extension}` }],
    );
    if (missing.length > 0) throw validationError(missing);
    return members.map((m, position) => ({
      extensionId: byNumber.get(m.extension) ?? '',
      position,
      ringSeconds: m.ringSeconds ?? null,
    }));
  }

  private async assertNumberFree(number: string, selfId: string | null): Promise<void> {
    if (await this.prisma.extension.findUnique({ where: { number }, select: { id: true } })) {
      throw conflict('number', `number ${number} is already in use by an extension`);
    }
    const group = await this.prisma.ringGroup.findUnique({ where: { number }, select: { id: true } });
    if (group && group.id !== selfId)
      throw conflict('number', `number ${number} is already in use by a ring group`);
  }
}
