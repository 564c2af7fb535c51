import { HttpException, HttpStatus, Inject, Injectable, UnauthorizedException } from '@nestjs/common';
import { AuditLogService } from '../audit/audit-log.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import type { PrismaClient } from '../common/db.js';
import type { AdminPrincipal } from '../common/request-context.js';
import { ADMIN_OPTIONS, PRISMA } from '../common/tokens.js';
import { LoginRateLimiter } from './login-rate-limiter.js';
import { hashPassword, verifyPassword } from './password-hasher.js';
import { SessionService, type NewSession } from './session.service.js';

// Verified against when the username is unknown, so both cases take the same time.
const dummyHash = hashPassword('switchboard-timing-equaliser');

const invalidCredentials = (): UnauthorizedException =>
  new UnauthorizedException({
    statusCode: 401,
    error: 'Unauthorized',
    message: 'Invalid username or password',
  });

@Injectable()
export class AuthService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
    @Inject(LoginRateLimiter) private readonly rateLimiter: LoginRateLimiter,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async login(
    username: string,
    password: string,
    ip: string,
    userAgent: string | undefined,
  ): Promise<NewSession & { mustChangePassword: boolean }> {
    const retryAfter = await this.rateLimiter.hit(ip);
    if (retryAfter > 0) {
      throw new HttpException(
        {
          statusCode: 429,
          error: 'Too Many Requests',
          message: `Too many login attempts; retry in ${retryAfter} s`,
          retryAfter,
        },
        HttpStatus.TOO_MANY_REQUESTS,
      );
    }
    const user = await this.prisma.adminUser.findUnique({ where: { username } });
    if (!user) {
      await verifyPassword(await dummyHash, password);
      await this.audit.record(
        { id: null, name: username, ip },
        { action: 'login_failed', entity: 'admin_user' },
      );
      throw invalidCredentials();
    }
    const actor = { id: user.id, name: user.username, ip };
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) {
      await this.audit.record(actor, { action: 'login_locked', entity: 'admin_user', entityId: user.id });
      throw new HttpException(
        {
          statusCode: 423,
          error: 'Locked',
          message: `Account locked after repeated failed logins until ${user.lockedUntil.toISOString()}`,
        },
        423,
      );
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      const failedLogins = user.failedLogins + 1;
      const lock = failedLogins >= this.options.lockout.maxFailures;
      await this.prisma.adminUser.update({
        where: { id: user.id },
        data: {
          failedLogins: lock ? 0 : failedLogins,
          lockedUntil: lock ? new Date(Date.now() + this.options.lockout.lockMs) : user.lockedUntil,
        },
      });
      await this.audit.record(actor, {
        action: lock ? 'locked' : 'login_failed',
        entity: 'admin_user',
        entityId: user.id,
      });
      throw invalidCredentials();
    }
    await this.prisma.adminUser.update({
      where: { id: user.id },
      data: { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() },
    });
    const session = await this.sessions.create(user.id, ip, userAgent);
    await this.audit.record(actor, { action: 'login', entity: 'admin_user', entityId: user.id });
    return { ...session, mustChangePassword: user.mustChangePassword };
  }

  async changePassword(principal: AdminPrincipal, currentPassword: string, newPassword: string, ip: string) {
    const user = await this.prisma.adminUser.findUniqueOrThrow({ where: { id: principal.userId } });
    if (!(await verifyPassword(user.passwordHash, currentPassword))) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'Current password is wrong',
        errors: [{ field: 'currentPassword', message: 'is wrong' }],
      });
    }
    await this.prisma.adminUser.update({
      where: { id: user.id },
      data: { passwordHash: await hashPassword(newPassword), mustChangePassword: false },
    });
    await this.sessions.destroyAllFor(user.id, principal.sessionId);
    await this.audit.record(
      { id: user.id, name: user.username, ip },
      { action: 'change_password', entity: 'admin_user', entityId: user.id },
    );
  }
}
