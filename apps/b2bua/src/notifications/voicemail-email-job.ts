import { z } from 'zod';

/** BullMQ queue of voicemail e-mails: one job per stored message. */
export const VOICEMAIL_EMAIL_QUEUE = 'voicemail-email';

export const voicemailEmailJobSchema = z.object({ messageId: z.uuid() });
export type VoicemailEmailJob = z.infer<typeof voicemailEmailJobSchema>;

/** One job per message, ever (BullMQ ignores an add whose id it still holds): no e-mail twice. */
export function voicemailEmailJobId(messageId: string): string {
  return `vm-email-${messageId}`;
}

/** Retry policy of the e-mail jobs; tests shorten the back-off. */
export interface VoicemailEmailOptions {
  /** Sending attempts before the job fails for good. */
  readonly attempts: number;
  /** First retry delay; doubles on every attempt (BullMQ exponential back-off). */
  readonly backoffMs: number;
  /** Messages younger than this are e-mailed when their mailbox changes (older ones never are). */
  readonly lookbackMs: number;
}

export const VOICEMAIL_EMAIL_OPTIONS = Symbol('VoicemailEmailOptions');

export const DEFAULT_VOICEMAIL_EMAIL_OPTIONS: VoicemailEmailOptions = {
  attempts: 10,
  backoffMs: 30_000,
  lookbackMs: 24 * 3600_000,
};
