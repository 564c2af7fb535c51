import {
  ForbiddenException,
  HttpException,
  HttpStatus,
  Inject,
  Injectable,
  Logger,
  UnauthorizedException,
} from '@nestjs/common';
import { LogThrottle } from '@switchboard/config';
import { AuditLogService } from '../audit/audit-log.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import type { PrismaClient } from '../common/db.js';
import type { AdminPrincipal, AdminRole } from '../common/request-context.js';
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

const locked = (until: Date | null): HttpException =>
  new HttpException(
    {
      statusCode: 423,
      error: 'Locked',
      message: until
        ? `Account locked after repeated failed logins until ${until.toISOString()}`
        : 'Account locked after repeated failed logins',
    },
    423,
  );

/** One "refused while locked" audit entry and log line per account per minute (an attacker may send thousands). */
const REFUSED_LOG_INTERVAL_MS = 60_000;

@Injectable()
export class AuthService {
  private readonly logger = new Logger('AuthService');
  private readonly refusedLog = new LogThrottle({
    intervalMs: REFUSED_LOG_INTERVAL_MS,
    maxKeys: 10_000,
    now: () => performance.now(),
  });

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
  ): Promise<NewSession & { mustChangePassword: boolean; role: AdminRole }> {
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
    const { maxFailures, lockMs } = this.options.lockout;
    // Check and count in one statement (a reservation, before the slow password check): parallel
    // guesses cannot all read "not locked" first, so at most maxFailures of them are ever verified.
    const reserved = await this.prisma.adminUser.updateMany({
      where: {
        id: user.id,
        failedLogins: { lt: maxFailures },
        OR: [{ lockedUntil: null }, { lockedUntil: { lte: new Date() } }],
      },
      data: { failedLogins: { increment: 1 } },
    });
    if (reserved.count === 0) {
      const suppressed = this.refusedLog.admit(user.id);
      if (suppressed !== undefined) {
        this.logger.warn(
          `admin login refused during lockout: user ${user.username} from ${ip}` +
            (suppressed > 0 ? ` (${suppressed} more since the last line)` : ''),
        );
        await this.audit.record(actor, { action: 'login_locked', entity: 'admin_user', entityId: user.id });
      }
      throw locked(user.lockedUntil);
    }
    if (!(await verifyPassword(user.passwordHash, password))) {
      // The reservation stays counted; the failure that finds the limit reached sets the lock (once).
      const lock = await this.prisma.adminUser.updateMany({
        where: { id: user.id, failedLogins: { gte: maxFailures } },
        data: { failedLogins: 0, lockedUntil: new Date(Date.now() + lockMs) },
      });
      if (lock.count > 0) {
        this.logger.warn(
          `admin account locked: user ${user.username} from ${ip} after ${maxFailures} failed logins, ` +
            `for ${Math.round(lockMs / 1000)} s`,
        );
      }
      await this.audit.record(actor, {
        action: lock.count > 0 ? 'locked' : 'login_failed',
        entity: 'admin_user',
        entityId: user.id,
      });
      throw invalidCredentials();
    }
    if (user.disabledAt) {
      // Said only to someone who knows the password; everyone else gets the same 401 as before.
      await this.prisma.adminUser.update({ where: { id: user.id }, data: { failedLogins: 0 } });
      await this.audit.record(actor, { action: 'login_disabled', entity: 'admin_user', entityId: user.id });
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'This account is disabled; ask an admin to enable it',
      });
    }
    await this.prisma.adminUser.update({
      where: { id: user.id },
      data: { failedLogins: 0, lockedUntil: null, lastLoginAt: new Date() },
    });
    const session = await this.sessions.create(user.id, ip, userAgent);
    await this.audit.record(actor, { action: 'login', entity: 'admin_user', entityId: user.id });
    return { ...session, mustChangePassword: user.mustChangePassword, role: user.role };
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
