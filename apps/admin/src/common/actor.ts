import type { AuditActor } from '../audit/audit-log.service.js';
import { clientIp, principalOf, type AdminRequest } from './request-context.js';

export function actorOf(req: AdminRequest): AuditActor {
  const p = principalOf(req);
  return { id: p.userId, name: p.username, ip: clientIp(req) };
}
