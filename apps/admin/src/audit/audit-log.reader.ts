import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../common/db.js';
import type { Page } from '../common/pagination.js';
import { PRISMA } from '../common/tokens.js';
import type { AuditQuery } from './audit-log.schemas.js';

export interface AuditView {
  id: string;
  at: Date;
  actor: string;
  action: string;
  entity: string;
  entityId: string | null;
  /** What the entry is about in words: `1001 Alice`, `ring group 600 Sales`, a username, … */
  label: string | null;
  before: unknown;
  after: unknown;
  ip: string | null;
}

type Row = Prisma.AuditLogGetPayload<object>;
type Labeller = (prisma: PrismaClient, ids: string[]) => Promise<Map<string, string>>;

const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
const named = (number: string, name: string): string => `${number} ${name}`.trim();

const extensionLabels: Labeller = async (prisma, ids) => {
  const rows = await prisma.extension.findMany({ where: { id: { in: ids } } });
  return new Map(rows.map((r) => [r.id, named(r.number, r.displayName)]));
};

/** Current names of the entities the log points at, one query per entity type. */
const labellers: Record<string, Labeller> = {
  extension: extensionLabels,
  follow_me: extensionLabels,
  ring_group: async (prisma, ids) => {
    const rows = await prisma.ringGroup.findMany({ where: { id: { in: ids } } });
    return new Map(rows.map((r) => [r.id, named(r.number, r.name)]));
  },
  voicemail_box: async (prisma, ids) => {
    const rows = await prisma.voicemailBox.findMany({
      where: { id: { in: ids } },
      include: { extension: true },
    });
    return new Map(rows.map((r) => [r.id, `box of ${named(r.extension.number, r.extension.displayName)}`]));
  },
  voicemail_message: async (prisma, ids) => {
    const rows = await prisma.voicemailMessage.findMany({
      where: { id: { in: ids } },
      include: { box: { include: { extension: true } } },
    });
    return new Map(rows.map((r) => [r.id, `message from ${r.callerNumber} to ${r.box.extension.number}`]));
  },
  admin_user: async (prisma, ids) => {
    const rows = await prisma.adminUser.findMany({ where: { id: { in: ids } } });
    return new Map(rows.map((r) => [r.id, r.username]));
  },
  api_token: async (prisma, ids) => {
    const rows = await prisma.apiToken.findMany({ where: { id: { in: ids } } });
    return new Map(rows.map((r) => [r.id, `token ${r.name}`]));
  },
};

function record(value: unknown): Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : {};
}

/** A name from the entry's own snapshot, for an entity deleted since (or without a labeller). */
function snapshotLabel(row: Row): string | null {
  const s = { ...record(row.before), ...record(row.after) };
  const text = (k: string): string | undefined => (typeof s[k] === 'string' ? s[k] : undefined);
  if (row.entity === 'call' && text('from') && text('to')) return `${text('from')} → ${text('to')}`;
  const number = text('number');
  const name = text('displayName') ?? text('name') ?? text('username');
  if (number || name) return named(number ?? '', name ?? '');
  return row.entityId && !uuid.test(row.entityId) ? row.entityId : null;
}

/** The audit log page: filters, and each entry named by number and name instead of its UUID. */
@Injectable()
export class AuditLogReader {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async list(query: AuditQuery): Promise<Page<AuditView>> {
    const where: Prisma.AuditLogWhereInput = {
      ...(query.actor ? { actor: { contains: query.actor, mode: 'insensitive' } } : {}),
      ...(query.entity ? { entity: query.entity } : {}),
      ...(query.from || query.to
        ? { at: { ...(query.from ? { gte: query.from } : {}), ...(query.to ? { lt: query.to } : {}) } }
        : {}),
    };
    const [rows, total] = await Promise.all([
      this.prisma.auditLog.findMany({
        where,
        orderBy: { at: 'desc' },
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
      this.prisma.auditLog.count({ where }),
    ]);
    const labels = await this.labels(rows);
    const items = rows.map((r) => ({
      id: r.id,
      at: r.at,
      actor: r.actor,
      action: r.action,
      entity: r.entity,
      entityId: r.entityId,
      label: (r.entityId ? labels.get(`${r.entity}:${r.entityId}`) : undefined) ?? snapshotLabel(r),
      before: r.before,
      after: r.after,
      ip: r.ip,
    }));
    return { items, total, page: query.page, pageSize: query.pageSize };
  }

  /** The entity types in the log, for the filter. */
  async entities(): Promise<string[]> {
    const rows = await this.prisma.auditLog.findMany({ distinct: ['entity'], select: { entity: true } });
    return rows.map((r) => r.entity).sort();
  }

  private async labels(rows: Row[]): Promise<Map<string, string>> {
    const idsByEntity = new Map<string, Set<string>>();
    for (const r of rows) {
      if (!r.entityId || !uuid.test(r.entityId) || !labellers[r.entity]) continue;
      const ids = idsByEntity.get(r.entity) ?? new Set<string>();
      ids.add(r.entityId);
      idsByEntity.set(r.entity, ids);
    }
    const out = new Map<string, string>();
    await Promise.all(
      [...idsByEntity].map(async ([entity, ids]) => {
        const found = await labellers[entity]!(this.prisma, [...ids]);
        for (const [id, label] of found) out.set(`${entity}:${id}`, label);
      }),
    );
    return out;
  }
}
