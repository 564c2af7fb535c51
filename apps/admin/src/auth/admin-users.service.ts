import { ConflictException, Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import type { AdminRole } from '../common/request-context.js';
import { PRISMA } from '../common/tokens.js';
import type { UpdateAdminUserInput } from './admin-user.schemas.js';
import { hashPassword } from './password-hasher.js';
import { generatePassword } from './random-secret.js';

export interface CreatedAdmin {
  id: string;
  username: string;
  role: AdminRole;
  /** Set when the password was generated: shown once, must be changed at first login. */
  oneTimePassword: string | null;
}

export type BootstrapResult =
  { created: true; username: string; oneTimePassword: string } | { created: false };

export interface AdminUserView {
  id: string;
  username: string;
  role: AdminRole;
  disabled: boolean;
  mustChangePassword: boolean;
  locked: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
}

const roleConflict = (message: string): ConflictException =>
  new ConflictException({
    statusCode: 409,
    error: 'Conflict',
    message,
    errors: [{ field: 'role', message }],
  });

/**
 * Admin accounts: creation, bootstrap of the first one, roles, disabling, password resets. Shared
 * by the API and the CLI. There is always at least one enabled `admin`: the change that would
 * leave none is refused (checked under a lock on the admins, so two at once cannot both pass).
 */
@Injectable()
export class AdminUsersService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async create(
    actor: AuditActor,
    username: string,
    password?: string,
    role: AdminRole = 'admin',
  ): Promise<CreatedAdmin> {
    const oneTimePassword = password === undefined ? generatePassword(16) : null;
    try {
      const user = await this.prisma.adminUser.create({
        data: {
          username,
          role,
          passwordHash: await hashPassword(password ?? oneTimePassword ?? ''),
          mustChangePassword: oneTimePassword !== null,
        },
      });
      await this.audit.record(actor, {
        action: 'create',
        entity: 'admin_user',
        entityId: user.id,
        after: { username, role },
      });
      return { id: user.id, username, role, oneTimePassword };
    } catch (error) {
      if (isUniqueViolation(error)) throw conflict('username', `admin user "${username}" already exists`);
      throw error;
    }
  }

  /** Creates `admin` with a one-time password only while no admin user exists at all. */
  async bootstrap(): Promise<BootstrapResult> {
    if ((await this.prisma.adminUser.count()) > 0) return { created: false };
    const created = await this.create({ id: null, name: 'system' }, 'admin');
    return { created: true, username: created.username, oneTimePassword: created.oneTimePassword ?? '' };
  }

  /** New one-time password; clears the lockout and logs every session of the user out. */
  async resetPassword(actor: AuditActor, id: string): Promise<string> {
    const user = await this.prisma.adminUser.findUnique({ where: { id } });
    if (!user) throw notFound('admin user');
    const oneTimePassword = generatePassword(16);
    await this.prisma.$transaction([
      this.prisma.adminUser.update({
        where: { id: user.id },
        data: {
          passwordHash: await hashPassword(oneTimePassword),
          mustChangePassword: true,
          failedLogins: 0,
          lockedUntil: null,
        },
      }),
      this.prisma.adminSession.deleteMany({ where: { adminUserId: user.id } }),
    ]);
    await this.audit.record(actor, {
      action: 'reset_password',
      entity: 'admin_user',
      entityId: user.id,
      after: { username: user.username },
    });
    return oneTimePassword;
  }

  /**
   * Role and/or enabled state. Disabling logs the user out (its sessions deleted, its API tokens
   * refused while disabled). Nobody disables or demotes themselves, and the last enabled admin
   * stays (409).
   */
  async update(actor: AuditActor, id: string, change: UpdateAdminUserInput): Promise<AdminUserView> {
    if (actor.id === id && (change.disabled === true || change.role === 'read_only')) {
      throw roleConflict('You cannot disable or demote your own account: ask another admin');
    }
    const { before, after } = await this.prisma.$transaction(async (tx) => {
      // Lock every enabled admin row: concurrent demotions/disables serialise here.
      const admins = await tx.$queryRaw<{ id: string }[]>`
        SELECT id FROM admin_users WHERE role = 'admin' AND disabled_at IS NULL FOR UPDATE`;
      const user = await tx.adminUser.findUnique({ where: { id } });
      if (!user) throw notFound('admin user');
      const staysAdmin =
        (change.role ?? user.role) === 'admin' && !(change.disabled ?? user.disabledAt !== null);
      if (admins.some((a) => a.id === id) && !staysAdmin && admins.length <= 1) {
        throw roleConflict(`"${user.username}" is the last enabled admin: make another user admin first`);
      }
      const disabledAt =
        change.disabled === undefined
          ? user.disabledAt
          : change.disabled
            ? (user.disabledAt ?? new Date())
            : null;
      const updated = await tx.adminUser.update({
        where: { id },
        data: { role: change.role ?? user.role, disabledAt },
      });
      if (disabledAt) await tx.adminSession.deleteMany({ where: { adminUserId: id } });
      return { before: user, after: updated };
    });
    await this.audit.record(actor, {
      action: 'update',
      entity: 'admin_user',
      entityId: id,
      before: { username: before.username, role: before.role, disabled: before.disabledAt !== null },
      after: { username: after.username, role: after.role, disabled: after.disabledAt !== null },
    });
    return viewOf(after);
  }

  /** The id of `username` (the CLI names users, the API uses ids). */
  async idOf(username: string): Promise<string> {
    const user = await this.prisma.adminUser.findUnique({ where: { username }, select: { id: true } });
    if (!user) throw notFound(`admin user "${username}"`);
    return user.id;
  }

  async list(): Promise<AdminUserView[]> {
    const rows = await this.prisma.adminUser.findMany({ orderBy: { username: 'asc' } });
    return rows.map(viewOf);
  }
}

function viewOf(row: {
  id: string;
  username: string;
  role: AdminRole;
  disabledAt: Date | null;
  mustChangePassword: boolean;
  lockedUntil: Date | null;
  lastLoginAt: Date | null;
  createdAt: Date;
}): AdminUserView {
  return {
    id: row.id,
    username: row.username,
    role: row.role,
    disabled: row.disabledAt !== null,
    mustChangePassword: row.mustChangePassword,
    locked: row.lockedUntil !== null && row.lockedUntil > new Date(),
    lastLoginAt: row.lastLoginAt,
    createdAt: row.createdAt,
  };
}
