import { z } from 'zod';

export const voicemailBoxSchema = z.object({
  enabled: z.boolean({ error: 'must be true or false' }).default(true),
  maxMessageSeconds: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(10, 'must be at least 10')
    .max(3600, 'must be at most 3600')
    .default(180),
  maxMessages: z
    .number({ error: 'must be a number' })
    .int('must be an integer')
    .min(1, 'must be at least 1')
    .max(10_000, 'must be at most 10000')
    .default(100),
  email: z
    .email({ error: 'must be an e-mail address' })
    .max(320, 'must be at most 320 characters')
    .nullable()
    .default(null),
});
export type VoicemailBoxInput = z.infer<typeof voicemailBoxSchema>;

export const markHeardSchema = z.object({ heard: z.boolean({ error: 'must be true or false' }) });
export type MarkHeardInput = z.infer<typeof markHeardSchema>;
