import type { Request } from 'express';

export type AdminRole = 'admin' | 'read_only';

/** The logged-in admin, attached to the request by the auth guard. */
export interface AdminPrincipal {
  userId: string;
  username: string;
  sessionId: string;
  csrfToken: string;
  mustChangePassword: boolean;
  /** `read_only` may read everything and change nothing but its own password. */
  role: AdminRole;
  /** Set when the request came with an API token (Authorization: Bearer) instead of a session. */
  token?: { id: string; readOnly: boolean };
}

export type AdminRequest = Request & { admin?: AdminPrincipal };

export function clientIp(req: Request): string {
  return req.ip ?? req.socket.remoteAddress ?? 'unknown';
}

export function principalOf(req: AdminRequest): AdminPrincipal {
  if (!req.admin) throw new Error('route needs an authenticated admin (auth guard not applied)');
  return req.admin;
}
