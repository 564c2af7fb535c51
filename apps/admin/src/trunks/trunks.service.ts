import { Inject, Injectable } from '@nestjs/common';
import { normalizeInboundSources, sealTrunkPassword, SecretBox, type Trunk } from '@switchboard/db';
import {
  redisKeys,
  trunkRegistrationStatusSchema,
  type TrunkRegistrationStatus,
} from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { ADMIN_OPTIONS, PRISMA, REDIS } from '../common/tokens.js';
import { validationError } from '../common/zod-validation.pipe.js';
import type { CreateTrunkInput, TrunkView, UpdateTrunkInput } from './trunk.schemas.js';

function toView(row: Trunk, registration: TrunkRegistrationStatus | null): TrunkView {
  const { passwordEncrypted, createdAt, updatedAt, ...fields } = row;
  return {
    ...fields,
    hasPassword: passwordEncrypted !== null,
    registration,
    createdAt: createdAt.toISOString(),
    updatedAt: updatedAt.toISOString(),
  };
}

function parseStatus(text: string | null | undefined): TrunkRegistrationStatus | null {
  if (!text) return null;
  try {
    const parsed = trunkRegistrationStatusSchema.safeParse(JSON.parse(text));
    return parsed.success ? parsed.data : null;
  } catch {
    return null;
  }
}

/**
 * Trunks (SIP providers): CRUD with the password sealed by the data directory's key (never returned,
 * never in the audit log: `hasPassword` only), the registration status the signalling process keeps in
 * Redis, and a `sb:trunks:changed` message after each change so registrations follow without a restart.
 */
@Injectable()
export class TrunksService {
  private readonly secrets: SecretBox;

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(REDIS) private readonly redis: Redis,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(ADMIN_OPTIONS) options: Pick<AdminOptions, 'dataDir'>,
  ) {
    this.secrets = SecretBox.fromDataDir(options.dataDir);
  }

  async list(): Promise<TrunkView[]> {
    const [rows, statuses] = await Promise.all([
      this.prisma.trunk.findMany({ orderBy: { name: 'asc' } }),
      this.redis.hgetall(redisKeys.trunkRegistrations),
    ]);
    return rows.map((row) => toView(row, parseStatus(statuses[row.id])));
  }

  async get(id: string): Promise<TrunkView> {
    return this.view(await this.findRow(id));
  }

  async findByName(name: string): Promise<TrunkView> {
    const row = await this.prisma.trunk.findUnique({ where: { name } });
    if (!row) throw notFound(`trunk ${name}`);
    return this.view(row);
  }

  async create(actor: AuditActor, input: CreateTrunkInput): Promise<TrunkView> {
    const { password, ...fields } = input;
    this.checkRegistration(fields.register, fields.authUsername, password !== null);
    try {
      const row = await this.prisma.trunk.create({
        data: {
          ...fields,
          inboundSources: normalizeInboundSources(fields.inboundSources),
          passwordEncrypted: password === null ? null : sealTrunkPassword(this.secrets, password),
        },
      });
      const view = await this.view(row);
      await this.audit.record(actor, {
        action: 'create',
        entity: 'trunk',
        entityId: row.id,
        after: auditSnapshot(view),
      });
      await this.changed(row.id);
      return view;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('name', `trunk ${input.name} already exists`);
      throw error;
    }
  }

  async update(actor: AuditActor, id: string, input: UpdateTrunkInput): Promise<TrunkView> {
    const before = await this.findRow(id);
    const { password, ...fields } = input;
    const hasPassword = password === undefined ? before.passwordEncrypted !== null : password !== null;
    this.checkRegistration(
      fields.register ?? before.register,
      fields.authUsername !== undefined ? fields.authUsername : before.authUsername,
      hasPassword,
    );
    try {
      const row = await this.prisma.trunk.update({
        where: { id },
        data: {
          ...fields,
          ...(fields.inboundSources
            ? { inboundSources: normalizeInboundSources(fields.inboundSources) }
            : {}),
          ...(password !== undefined
            ? { passwordEncrypted: password === null ? null : sealTrunkPassword(this.secrets, password) }
            : {}),
        },
      });
      const after = await this.view(row);
      await this.audit.record(actor, {
        action: 'update',
        entity: 'trunk',
        entityId: id,
        before: auditSnapshot(toView(before, null)),
        after: { ...auditSnapshot(after), ...(password !== undefined ? { secretChanged: true } : {}) },
      });
      await this.changed(id);
      return after;
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('name', `trunk ${input.name ?? ''} already exists`);
      throw error;
    }
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const before = await this.findRow(id);
    await this.prisma.trunk.delete({ where: { id } });
    await this.audit.record(actor, {
      action: 'delete',
      entity: 'trunk',
      entityId: id,
      before: auditSnapshot(toView(before, null)),
    });
    await this.changed(id);
  }

  private async view(row: Trunk): Promise<TrunkView> {
    return toView(row, parseStatus(await this.redis.hget(redisKeys.trunkRegistrations, row.id)));
  }

  private async findRow(id: string): Promise<Trunk> {
    const row = await this.prisma.trunk.findUnique({ where: { id } });
    if (!row) throw notFound('trunk');
    return row;
  }

  /** Registration needs credentials: RFC 3261 §22 digest is how every provider authenticates REGISTER. */
  private checkRegistration(register: boolean, authUsername: string | null, hasPassword: boolean): void {
    if (!register) return;
    const errors = [
      ...(authUsername === null
        ? [{ field: 'authUsername', message: 'is required when register is on' }]
        : []),
      ...(!hasPassword ? [{ field: 'password', message: 'is required when register is on' }] : []),
    ];
    if (errors.length > 0) throw validationError(errors);
  }

  /** Tells the signalling processes to re-read the trunks (they also re-read every 30 s). */
  private async changed(id: string): Promise<void> {
    await this.redis.publish(redisKeys.trunksChanged, id);
  }
}

/** The audit keeps configuration, not the live registration state. */
function auditSnapshot(view: TrunkView): Omit<TrunkView, 'registration'> {
  const { registration: _registration, ...rest } = view;
  return rest;
}
