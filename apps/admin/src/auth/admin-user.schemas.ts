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
