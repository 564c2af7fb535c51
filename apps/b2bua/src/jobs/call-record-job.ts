import { z } from 'zod';

export const CALL_RECORDS_QUEUE = 'call-records';

const isoTime = z.iso.datetime();

/** One finished call, written to PostgreSQL by a worker (idempotent on `id`). */
export const callRecordJobSchema = z.object({
  id: z.string().min(1).max(255),
  /** The caller's SIP Call-ID; each leg's is in `legs`. */
  sipCallId: z.string().max(255).optional(),
  pluginId: z.string().max(255).optional(),
  callerNumber: z.string().max(255),
  callerName: z.string().max(255).optional(),
  calleeNumber: z.string().max(255),
  answeredBy: z.string().max(255).optional(),
  startedAt: isoTime,
  ringingAt: isoTime.optional(),
  answeredAt: isoTime.optional(),
  endedAt: isoTime,
  disposition: z.enum([
    'answered',
    'no_answer',
    'busy',
    'cancelled',
    'rejected',
    'failed',
    'voicemail',
    'redirected',
  ]),
  hangupCause: z.string().max(255).optional(),
  hangupSide: z.enum(['caller', 'callee', 'system']).optional(),
  legs: z
    .array(
      z.object({
        target: z.string().max(1024),
        startedAt: isoTime,
        endedAt: isoTime.optional(),
        status: z.number().int().min(100).max(699).optional(),
        answered: z.boolean(),
        sipCallId: z.string().max(255).optional(),
      }),
    )
    .max(256),
});
export type CallRecordJob = z.infer<typeof callRecordJobSchema>;

export function callRecordJobId(callId: string): string {
  return `cdr-${Buffer.from(callId).toString('base64url')}`;
}
