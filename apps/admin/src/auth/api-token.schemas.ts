import { z } from 'zod';

export const apiTokenScopeSchema = z.enum(['read_only', 'full'], { error: 'must be read_only or full' });

export const createApiTokenSchema = z.object({
  name: z
    .string({ error: 'is required' })
    .trim()
    .min(1, 'is required')
    .max(64, 'must be at most 64 characters')
    // eslint-disable-next-line no-control-regex -- matching control characters is the point
    .refine((v) => !/[\u0000-\u001f\u007f]/.test(v), 'must not contain control characters'),
  scope: apiTokenScopeSchema,
  /** null = never expires. */
  expiresInDays: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(3650, 'must be at most 3650')
    .nullable()
    .default(90),
});
export type CreateApiTokenInput = z.infer<typeof createApiTokenSchema>;

export const apiTokenViewSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string(),
  scope: apiTokenScopeSchema,
  createdBy: z.string(),
  createdAt: z.iso.datetime(),
  expiresAt: z.iso.datetime().nullable(),
  lastUsedAt: z.iso.datetime().nullable(),
  revokedAt: z.iso.datetime().nullable(),
});
export type ApiTokenView = z.infer<typeof apiTokenViewSchema>;
