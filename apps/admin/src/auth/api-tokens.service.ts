import { Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { notFound } from '../common/conflict.js';
import type { Prisma, PrismaClient } from '../common/db.js';
import type { AdminPrincipal } from '../common/request-context.js';
import { PRISMA } from '../common/tokens.js';
import type { ApiTokenView, CreateApiTokenInput } from './api-token.schemas.js';
import { generateToken, sha256Hex } from './random-secret.js';

/** Tokens start with this, so secret scanners and people recognise them. */
export const API_TOKEN_PREFIX = 'sbt_';
const DAY_MS = 24 * 60 * 60 * 1000;

type TokenRow = Prisma.ApiTokenGetPayload<{ include: { adminUser: { select: { username: true } } } }>;

function toView(row: TokenRow): ApiTokenView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    scope: row.scope,
    createdBy: row.adminUser.username,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt?.toISOString() ?? null,
    lastUsedAt: row.lastUsedAt?.toISOString() ?? null,
    revokedAt: row.revokedAt?.toISOString() ?? null,
  };
}

/**
 * API tokens for automation (`Authorization: Bearer sbt_…`). Only the SHA-256 of a token is stored,
 * so it is shown once; a token acts as the admin who created it, limited to GET when read-only.
 */
@Injectable()
export class ApiTokensService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async list(): Promise<ApiTokenView[]> {
    const rows = await this.prisma.apiToken.findMany({
      orderBy: { createdAt: 'desc' },
      include: { adminUser: { select: { username: true } } },
    });
    return rows.map(toView);
  }

  async create(
    actor: AuditActor & { id: string },
    input: CreateApiTokenInput,
    now = Date.now(),
  ): Promise<{ token: string; apiToken: ApiTokenView }> {
    const token = API_TOKEN_PREFIX + generateToken();
    const row = await this.prisma.apiToken.create({
      data: {
        name: input.name,
        scope: input.scope,
        tokenHash: sha256Hex(token),
        prefix: token.slice(0, API_TOKEN_PREFIX.length + 6),
        adminUserId: actor.id,
        expiresAt: input.expiresInDays === null ? null : new Date(now + input.expiresInDays * DAY_MS),
      },
      include: { adminUser: { select: { username: true } } },
    });
    const apiToken = toView(row);
    await this.audit.record(actor, {
      action: 'create',
      entity: 'api_token',
      entityId: row.id,
      after: apiToken,
    });
    return { token, apiToken };
  }

  async revoke(actor: AuditActor, id: string): Promise<void> {
    const row = await this.prisma.apiToken.findUnique({ where: { id } });
    if (!row) throw notFound('API token');
    if (row.revokedAt) return;
    await this.prisma.apiToken.update({ where: { id }, data: { revokedAt: new Date() } });
    await this.audit.record(actor, {
      action: 'revoke',
      entity: 'api_token',
      entityId: id,
      before: { name: row.name },
    });
  }

  /** The principal a Bearer token acts as, or null when unknown, revoked or expired. */
  async resolve(token: string, now = Date.now()): Promise<AdminPrincipal | null> {
    if (!token.startsWith(API_TOKEN_PREFIX)) return null;
    const row = await this.prisma.apiToken.findUnique({
      where: { tokenHash: sha256Hex(token) },
      include: { adminUser: true },
    });
    if (!row || row.revokedAt || (row.expiresAt && row.expiresAt.getTime() <= now)) return null;
    // A token acts as its creator: it stops with a disabled account and never exceeds its role.
    if (row.adminUser.disabledAt) return null;
    // Touch at most once a minute to keep reads cheap.
    if (!row.lastUsedAt || now - row.lastUsedAt.getTime() > 60_000) {
      await this.prisma.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date(now) } });
    }
    return {
      userId: row.adminUserId,
      // The audit log's actor column holds 64 characters.
      username: `${row.adminUser.username} (token ${row.name})`.slice(0, 64),
      sessionId: '',
      csrfToken: '',
      mustChangePassword: false,
      role: row.adminUser.role,
      token: { id: row.id, readOnly: row.scope === 'read_only' },
    };
  }
}
