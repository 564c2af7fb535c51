import { z } from 'zod';

/**
 * The Redis keys contract between the B2BUA (writer) and the admin app (reader); see README.md,
 * "Redis keys contract". Times are Unix epoch milliseconds.
 */
export const redisKeys = {
  /** ZSET: member = AOR (e.g. "sip:1001@pbx.example"), score = latest binding expiry. */
  registrations: 'sb:regs',
  /** HASH per AOR: field = Contact URI, value = JSON RegistrationBinding. */
  registration: (aor: string): string => `sb:reg:${aor}`,
  /** ZSET: member = call id, score = start time. */
  calls: 'sb:calls',
  /** HASH per active call, fields as ActiveCall (all strings). */
  call: (callId: string): string => `sb:call:${callId}`,
} as const;

export const registrationBindingSchema = z.object({
  aor: z.string(),
  contact: z.string(),
  expiresAt: z.number(),
  registeredAt: z.number().optional(),
  userAgent: z.string().optional(),
  displayName: z.string().optional(),
  sourceAddress: z.string().optional(),
  transport: z.string().optional(),
  node: z.string().optional(),
});
export type RegistrationBinding = z.infer<typeof registrationBindingSchema>;

const epochMs = z.coerce.number().int().nonnegative();

export const activeCallSchema = z.object({
  id: z.string(),
  state: z.string(),
  from: z.string(),
  fromDisplayName: z.string().optional(),
  to: z.string(),
  toDisplayName: z.string().optional(),
  startedAt: epochMs,
  answeredAt: epochMs.optional(),
  callerUserAgent: z.string().optional(),
  node: z.string().optional(),
});
export type ActiveCall = z.infer<typeof activeCallSchema>;
