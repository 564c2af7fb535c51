import { Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import { conflict, isUniqueViolation, notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import { hashPassword } from './password-hasher.js';
import { generatePassword } from './random-secret.js';

export interface CreatedAdmin {
  username: string;
  /** Set when the password was generated: shown once, must be changed at first login. */
  oneTimePassword: string | null;
}

export type BootstrapResult =
  { created: true; username: string; oneTimePassword: string } | { created: false };

/** Admin accounts: creation, bootstrap of the first one, password resets. Shared by the API and the CLI. */
@Injectable()
export class AdminUsersService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async create(actor: AuditActor, username: string, password?: string): Promise<CreatedAdmin> {
    const oneTimePassword = password === undefined ? generatePassword(16) : null;
    try {
      const user = await this.prisma.adminUser.create({
        data: {
          username,
          passwordHash: await hashPassword(password ?? oneTimePassword ?? ''),
          mustChangePassword: oneTimePassword !== null,
        },
      });
      await this.audit.record(actor, {
        action: 'create',
        entity: 'admin_user',
        entityId: user.id,
        after: { username },
      });
      return { username, oneTimePassword };
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
  async resetPassword(actor: AuditActor, username: string): Promise<string> {
    const user = await this.prisma.adminUser.findUnique({ where: { username } });
    if (!user) throw notFound(`admin user "${username}"`);
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
    await this.audit.record(actor, { action: 'reset_password', entity: 'admin_user', entityId: user.id });
    return oneTimePassword;
  }

  async list(): Promise<
    { id: string; username: string; mustChangePassword: boolean; lockedUntil: Date | null }[]
  > {
    return this.prisma.adminUser.findMany({
      orderBy: { username: 'asc' },
      select: { id: true, username: true, mustChangePassword: true, lockedUntil: true },
    });
  }
}
