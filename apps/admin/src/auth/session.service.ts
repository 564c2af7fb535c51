import { Inject, Injectable } from '@nestjs/common';
import type { AdminOptions } from '../common/admin-options.js';
import type { PrismaClient } from '../common/db.js';
import type { AdminPrincipal } from '../common/request-context.js';
import { ADMIN_OPTIONS, PRISMA } from '../common/tokens.js';
import { generateToken, sha256Hex } from './random-secret.js';

export interface NewSession {
  /** Goes into the cookie; only its SHA-256 is stored. */
  token: string;
  csrfToken: string;
}

/** Browser sessions in PostgreSQL (AdminSession), looked up by the SHA-256 of the cookie token. */
@Injectable()
export class SessionService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(ADMIN_OPTIONS) private readonly options: AdminOptions,
  ) {}

  async create(adminUserId: string, ip: string, userAgent: string | undefined): Promise<NewSession> {
    const token = generateToken();
    const csrfToken = generateToken();
    // Expired rows are otherwise only removed when presented; sweep them on each login.
    await this.prisma.adminSession.deleteMany({ where: { expiresAt: { lt: new Date() } } });
    await this.prisma.adminSession.create({
      data: {
        id: sha256Hex(token),
        adminUserId,
        csrfToken,
        ip: ip.slice(0, 64),
        userAgent: userAgent?.slice(0, 512) ?? null,
        expiresAt: new Date(Date.now() + this.options.sessionTtlMs),
      },
    });
    return { token, csrfToken };
  }

  /** The principal for a cookie token, or null when unknown or expired; slides the expiry. */
  async resolve(token: string): Promise<AdminPrincipal | null> {
    const id = sha256Hex(token);
    const session = await this.prisma.adminSession.findUnique({
      where: { id },
      include: { adminUser: true },
    });
    if (!session) return null;
    // A disabled account's sessions are deleted when it is disabled; this covers a race with that.
    if (session.adminUser.disabledAt) return null;
    const now = Date.now();
    if (session.expiresAt.getTime() <= now) {
      await this.prisma.adminSession.deleteMany({ where: { id } });
      return null;
    }
    // Touch at most once a minute to keep reads cheap.
    if (now - session.lastSeenAt.getTime() > 60_000) {
      await this.prisma.adminSession.update({
        where: { id },
        data: { lastSeenAt: new Date(now), expiresAt: new Date(now + this.options.sessionTtlMs) },
      });
    }
    return {
      userId: session.adminUserId,
      username: session.adminUser.username,
      sessionId: id,
      csrfToken: session.csrfToken,
      mustChangePassword: session.adminUser.mustChangePassword,
      role: session.adminUser.role,
    };
  }

  async destroy(sessionId: string): Promise<void> {
    await this.prisma.adminSession.deleteMany({ where: { id: sessionId } });
  }

  async destroyAllFor(adminUserId: string, exceptSessionId?: string): Promise<void> {
    await this.prisma.adminSession.deleteMany({
      where: { adminUserId, ...(exceptSessionId ? { NOT: { id: exceptSessionId } } : {}) },
    });
  }
}
