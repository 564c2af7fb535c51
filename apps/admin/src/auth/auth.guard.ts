import { timingSafeEqual } from 'node:crypto';
import {
  ForbiddenException,
  Inject,
  Injectable,
  UnauthorizedException,
  type CanActivate,
  type ExecutionContext,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { AdminPrincipal, AdminRequest } from '../common/request-context.js';
import { readCookie, SESSION_COOKIE } from './cookies.js';
import { IS_PUBLIC } from './public.decorator.js';
import { ApiTokensService } from './api-tokens.service.js';
import { SessionService } from './session.service.js';

export const CSRF_HEADER = 'x-csrf-token';
const safeMethods = new Set(['GET', 'HEAD', 'OPTIONS']);
// Reachable while the password must still be changed.
const allowedBeforePasswordChange = new Set(['/api/auth/session', '/api/auth/password', '/api/auth/logout']);
// The only changes a read-only user may make: its own password and its own logout.
const allowedToReadOnly = new Set(['/api/auth/password', '/api/auth/logout']);

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Role-based access: a read-only user (or its token) may read everything and change nothing. */
function checkRole(principal: AdminPrincipal, req: AdminRequest): AdminPrincipal {
  if (principal.role === 'read_only' && !safeMethods.has(req.method) && !allowedToReadOnly.has(req.path)) {
    throw new ForbiddenException({
      statusCode: 403,
      error: 'Forbidden',
      message: 'Your account is read-only: ask an admin to make this change',
    });
  }
  return principal;
}

/**
 * Every route needs a session unless marked @Public(). State-changing methods also need the
 * session's CSRF token in X-CSRF-Token (synchronizer token pattern; OWASP CSRF cheat sheet), and
 * the `admin` role (read-only users only read).
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    @Inject(Reflector) private readonly reflector: Reflector,
    @Inject(SessionService) private readonly sessions: SessionService,
    @Inject(ApiTokensService) private readonly tokens: ApiTokensService,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(IS_PUBLIC, [context.getHandler(), context.getClass()]))
      return true;
    const req = context.switchToHttp().getRequest<AdminRequest>();
    const bearer = /^Bearer\s+(\S+)$/i.exec(req.headers.authorization ?? '')?.[1];
    if (bearer !== undefined) {
      req.admin = checkRole(await this.checkApiToken(bearer, req), req);
      return true;
    }
    const token = readCookie(req.headers.cookie, SESSION_COOKIE);
    const principal = token ? await this.sessions.resolve(token) : null;
    if (!principal) {
      throw new UnauthorizedException({ statusCode: 401, error: 'Unauthorized', message: 'Log in first' });
    }
    if (!safeMethods.has(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, principal.csrfToken)) {
        throw new ForbiddenException({
          statusCode: 403,
          error: 'Forbidden',
          message: 'CSRF token missing or invalid (send the X-CSRF-Token header from GET /api/auth/session)',
        });
      }
    }
    if (principal.mustChangePassword && !allowedBeforePasswordChange.has(req.path)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'Change the one-time password first (POST /api/auth/password)',
      });
    }
    req.admin = checkRole(principal, req);
    return true;
  }

  /**
   * A Bearer token is not sent by browsers on their own, so it needs no CSRF token (RFC 6750 §5.2);
   * read-only tokens may only read, and no token manages tokens or a login session.
   */
  private async checkApiToken(bearer: string, req: AdminRequest): Promise<AdminPrincipal> {
    const principal = await this.tokens.resolve(bearer);
    if (!principal) {
      throw new UnauthorizedException({
        statusCode: 401,
        error: 'Unauthorized',
        message: 'API token unknown, revoked or expired',
      });
    }
    if (req.path.startsWith('/api/tokens') || req.path.startsWith('/api/auth/')) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'API tokens cannot manage tokens or sessions: log in',
      });
    }
    if (principal.token?.readOnly && !safeMethods.has(req.method)) {
      throw new ForbiddenException({
        statusCode: 403,
        error: 'Forbidden',
        message: 'This API token is read-only',
      });
    }
    return principal;
  }
}
