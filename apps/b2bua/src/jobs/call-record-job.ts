import { createHash } from 'node:crypto';
import { z } from 'zod';

export const CALL_RECORDS_QUEUE = 'call-records';

const isoTime = z.iso.datetime();

/** One transfer of the call (RFC 3515 REFER): who asked, who was moved, to whom, and how it went. */
export const transferRecordSchema = z.object({
  /** The party that sent the REFER (extension number, else its URI). */
  transferor: z.string().max(255),
  /** The party moved to the target. */
  transferee: z.string().max(255),
  /** The target that answered, else the Refer-To destination. */
  target: z.string().max(1024),
  at: isoTime,
  /** The referred call's final status (200: connected; else the call stayed as it was). */
  status: z.number().int().min(100).max(699),
  /**
   * `attended`: the Refer-To named a consultation call (RFC 3891 Replaces); `replaces`: an INVITE with
   * Replaces from `transferor` took `transferee` over; absent: blind (or park, pickup).
   */
  kind: z.enum(['blind', 'attended', 'replaces']).optional(),
});
export type TransferRecord = z.infer<typeof transferRecordSchema>;

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
  /** Internal, or in from / out through a trunk (absent: internal, records of older B2BUAs). */
  direction: z.enum(['internal', 'inbound', 'outbound']).optional(),
  /** The trunk an inbound call came in on or an outbound call went out through. */
  trunk: z.string().max(64).optional(),
  /** The outside party's number: the caller of an inbound call, the number sent out on an outbound one. */
  externalNumber: z.string().max(64).optional(),
  /** The public number dialled (DID) of an inbound call. */
  did: z.string().max(64).optional(),
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
  /** The call's transfers in order (absent: none). */
  transfers: z.array(transferRecordSchema).max(64).optional(),
});
export type CallRecordJob = z.infer<typeof callRecordJobSchema>;

/**
 * The signalling role publishes call records in batches: one job per `CALL_RECORD_BATCH_MAX`
 * records or per `CALL_RECORD_BATCH_MS` tick after the first, whichever comes first (one BullMQ
 * job runs dozens of Redis commands inside its scripts; a record's PostgreSQL row is its idempotency
 * key, so a retried batch stores each record once). Records are written after the call ended, so
 * the tick is long enough to fill batches at office rates (a 10 ms tick carried ~1 record per job
 * at 100 calls/s); it is also what a crashed signalling process can lose.
 */
export const CALL_RECORD_BATCH_JOB = 'call-records';
/** The job name of one record (older signalling processes; still accepted by the worker). */
export const CALL_RECORD_JOB = 'call-record';
export const CALL_RECORD_BATCH_MAX = 64;
export const CALL_RECORD_BATCH_MS = 100;

/**
 * A batch: records are checked one by one by the worker, so one malformed record is dropped (and
 * logged) without losing its batch-mates.
 */
export const callRecordBatchJobSchema = z.object({
  records: z.array(z.unknown()).min(1).max(CALL_RECORD_BATCH_MAX),
});

/** Deterministic per batch (the same records give the same job id: BullMQ keeps one). */
export function callRecordBatchJobId(records: readonly CallRecordJob[]): string {
  const ids = createHash('sha256');
  for (const r of records) ids.update(r.id).update('\0');
  return `cdrs-${ids.digest('base64url').slice(0, 24)}`;
}

export function callRecordJobId(callId: string): string {
  return `cdr-${Buffer.from(callId).toString('base64url')}`;
}
