import { z } from 'zod';

export const VOICEMAIL_QUEUE = 'voicemail';

/**
 * A recorded message to store as a VoicemailMessage row, written by the worker role. The WAV is
 * already in place under the data directory; `idempotencyKey` (= the job id) makes a retried job
 * find its row instead of creating a second one.
 */
export const voicemailJobSchema = z.object({
  idempotencyKey: z.string().min(1).max(255),
  /** Extension number owning the box. */
  mailbox: z.string().min(1).max(32),
  callerNumber: z.string().max(255),
  callerName: z.string().max(255).optional(),
  durationSeconds: z.number().int().min(0).max(86_400),
  /** Relative to SWITCHBOARD_DATA_DIR, as the admin app resolves it. */
  wavPath: z
    .string()
    .min(1)
    .max(1024)
    .refine(
      (p) => !p.startsWith('/') && !p.split('/').includes('..'),
      'must be relative, inside the data dir',
    ),
  callId: z.string().max(255),
  recordedAt: z.iso.datetime(),
});
export type VoicemailJob = z.infer<typeof voicemailJobSchema>;

/** Job id and idempotency key of the message a call left (one message per call). */
export function voicemailJobId(callId: string): string {
  return `vm-${Buffer.from(callId).toString('base64url')}`;
}
