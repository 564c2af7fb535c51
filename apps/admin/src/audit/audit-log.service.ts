import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';

export interface AuditActor {
  /** AdminUser id; null for the CLI and the system. */
  id: string | null;
  name: string;
  ip?: string | undefined;
}

export interface AuditEntry {
  action: string;
  entity: string;
  entityId?: string | null;
  before?: unknown;
  after?: unknown;
}

/** Strips secrets from snapshots so the audit log never holds hashes or passwords. */
function redact(value: unknown): Prisma.InputJsonValue | undefined {
  if (value === undefined || value === null) return undefined;
  const json: unknown = JSON.parse(
    JSON.stringify(value, (key, v: unknown) =>
      /hash|ha1|password|pin|csrf|token/i.test(key) ? (v === null ? null : '[redacted]') : v,
    ),
  );
  return json as Prisma.InputJsonValue;
}

@Injectable()
export class AuditLogService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async record(actor: AuditActor, entry: AuditEntry): Promise<void> {
    await this.prisma.auditLog.create({
      data: {
        actorId: actor.id,
        actor: actor.name.slice(0, 64),
        action: entry.action,
        entity: entry.entity,
        entityId: entry.entityId ?? null,
        before: redact(entry.before),
        after: redact(entry.after),
        ip: actor.ip?.slice(0, 64) ?? null,
      },
    });
  }
}
