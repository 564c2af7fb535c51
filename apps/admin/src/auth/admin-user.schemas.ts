import { z } from 'zod';

export const usernameSchema = z
  .string({ error: 'is required' })
  .trim()
  .min(1, 'is required')
  .max(64, 'must be at most 64 characters')
  .regex(/^[A-Za-z0-9._-]+$/, 'may contain letters, digits, dot, dash and underscore only');

export const newPasswordSchema = z
  .string({ error: 'is required' })
  .min(12, 'must be at least 12 characters')
  .max(256, 'must be at most 256 characters');

export const loginSchema = z.object({
  username: z.string({ error: 'is required' }).min(1, 'is required').max(64, 'must be at most 64 characters'),
  password: z
    .string({ error: 'is required' })
    .min(1, 'is required')
    .max(256, 'must be at most 256 characters'),
});
export type LoginInput = z.infer<typeof loginSchema>;

export const changePasswordSchema = z.object({
  currentPassword: z.string({ error: 'is required' }).min(1, 'is required'),
  newPassword: newPasswordSchema,
});
export type ChangePasswordInput = z.infer<typeof changePasswordSchema>;

export const adminRoles = ['admin', 'read_only'] as const;
/** `read-only` (as the CLI and people write it) is accepted for `read_only`. */
export const adminRoleSchema = z.preprocess(
  (v) => (v === 'read-only' ? 'read_only' : v),
  z.enum(adminRoles, { error: 'must be admin or read_only' }),
);

export const createAdminUserSchema = z.object({
  username: usernameSchema,
  role: adminRoleSchema.default('admin'),
});
export type CreateAdminUserInput = z.infer<typeof createAdminUserSchema>;

export const updateAdminUserSchema = z
  .object({
    role: adminRoleSchema.optional(),
    disabled: z.boolean({ error: 'must be true or false' }).optional(),
  })
  .strict()
  .refine((v) => v.role !== undefined || v.disabled !== undefined, { message: 'give role and/or disabled' });
export type UpdateAdminUserInput = z.infer<typeof updateAdminUserSchema>;

export const adminUserViewSchema = z.object({
  id: z.string(),
  username: z.string(),
  role: z.enum(adminRoles),
  disabled: z.boolean(),
  mustChangePassword: z.boolean(),
  locked: z.boolean(),
  lastLoginAt: z.string().nullable(),
  createdAt: z.string(),
});
