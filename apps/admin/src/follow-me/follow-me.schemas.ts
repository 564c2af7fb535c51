import { z } from 'zod';

// An extension number, an external number (optionally +) or a sip:/sips: URI.
const target = z
  .string()
  .trim()
  .min(1, 'must not be empty')
  .max(255, 'must be at most 255 characters')
  .regex(/^(\+?[0-9*#]{2,32}|sips?:[^\s<>"]+)$/, 'must be a phone number or a sip: URI');

export const followMeSchema = z.object({
  enabled: z.boolean({ error: 'must be true or false' }),
  steps: z
    .array(
      z.object({
        targets: z.array(target).min(1, 'needs at least one target').max(10, 'may list at most 10 targets'),
        ringSeconds: z
          .number({ error: 'must be a number' })
          .int('must be an integer')
          .min(5, 'must be at least 5')
          .max(300, 'must be at most 300'),
      }),
    )
    .max(10, 'may list at most 10 steps'),
});
export type FollowMeInput = z.infer<typeof followMeSchema>;
