import { z } from 'zod';
import { paginationSchema } from '../common/pagination.js';

const instant = z.iso
  .datetime({ offset: true, error: 'must be an ISO 8601 date-time' })
  .transform((v) => new Date(v));

export const auditQuerySchema = paginationSchema
  .extend({
    /** Part of the actor's name (case-insensitive), e.g. `alice` also finds `alice (token ci)`. */
    actor: z.string().trim().max(64, 'must be at most 64 characters').optional(),
    /** `extension`, `ring_group`, `admin_user`, … */
    entity: z
      .string()
      .trim()
      .regex(/^[a-z_]{1,64}$/, 'must be an entity type such as extension or ring_group')
      .optional(),
    /** From this instant (inclusive). */
    from: instant.optional(),
    /** Before this instant (exclusive). */
    to: instant.optional(),
  })
  .refine((q) => !q.from || !q.to || q.from < q.to, { path: ['to'], message: 'must be after from' });
export type AuditQuery = z.infer<typeof auditQuerySchema>;
