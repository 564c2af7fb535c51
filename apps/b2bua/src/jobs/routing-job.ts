import { routingPlanSchema } from '@switchboard/plugin-sdk';
import { z } from 'zod';
import { recordingPlanSchema } from '../recordings/recording-policy.js';

export const ROUTING_QUEUE = 'routing';

const callAttemptSchema = z.object({
  pluginId: z.string(),
  destination: z.string(),
  outcome: z.enum(['no-answer', 'busy', 'declined', 'unavailable']),
  tried: z.array(z.string()),
});

/** What the signalling process asks a routing worker: the plugin-facing view of the call. */
export const routingJobSchema = z.object({
  call: z.object({
    callId: z.string().min(1).max(255),
    caller: z.object({
      uri: z.string().max(1024),
      displayName: z.string().max(255).optional(),
      extension: z.string().max(32).optional(),
      /** The trunk an inbound call came in on (inbound-routes routes it by its DID). */
      trunk: z.string().max(64).optional(),
      /** A transfer's or three-way call's authorising party (outbound-routes checks its class). */
      transferredBy: z
        .object({ uri: z.string().max(1024), extension: z.string().max(32).optional() })
        .optional(),
    }),
    destination: z.string().min(1).max(255),
    requestUri: z.string().max(1024),
    receivedAt: z.iso.datetime(),
    history: z.array(callAttemptSchema).max(16),
  }),
  /** 0 for the first plan, then one more per `reroute`. */
  attempt: z.number().int().min(0).max(16),
  /**
   * Redis pub/sub channel of the asking signalling process: the worker publishes
   * `{ jobId, result }` there as soon as the plan is ready (a much shorter round trip than
   * BullMQ's completed event). Without it the result is only the job's return value.
   */
  replyTo: z.string().min(1).max(200).optional(),
});
export type RoutingJob = z.infer<typeof routingJobSchema>;

/** BullMQ job name of a batch (a single call's job keeps the name `route`). */
export const ROUTING_BATCH_JOB = 'route-batch';
/** The largest batch a worker accepts (SWITCHBOARD_ROUTING_BATCH_MAX is at most this). */
export const MAX_ROUTING_BATCH = 500;

/** One call of a batch: its own job id (the reply key), call and attempt. */
export const routingBatchEntrySchema = routingJobSchema
  .omit({ replyTo: true })
  .extend({ jobId: z.string().min(1).max(400) });
export type RoutingBatchEntry = z.infer<typeof routingBatchEntrySchema>;

/**
 * Several calls' routing in one job (one queue round trip): the worker runs their plans
 * concurrently and replies per call on `replyTo`, exactly as for single jobs. The entries are
 * validated one by one, so one malformed entry does not sink the others.
 */
export const routingBatchJobSchema = z.object({
  calls: z.array(z.unknown()).min(1).max(MAX_ROUTING_BATCH),
  replyTo: z.string().min(1).max(200),
});
export type RoutingBatchJob = { calls: RoutingBatchEntry[]; replyTo: string };

export const routingResultSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('plan'),
    pluginId: z.string(),
    plan: routingPlanSchema,
    /** Which answers make the call recorded (absent: none). */
    recording: recordingPlanSchema.optional(),
  }),
  /** Every plugin passed: nobody knows this destination (404). */
  z.object({ kind: z.literal('no-route') }),
  /** A plugin threw, timed out or returned an invalid plan: the signalling side uses its fallback. */
  z.object({
    kind: z.literal('plugin-failed'),
    pluginId: z.string(),
    failure: z.enum(['threw', 'timeout', 'invalid-plan']),
    message: z.string(),
  }),
  /** The worker failed outside the plugins (database, Redis…): the signalling side uses its fallback. */
  z.object({ kind: z.literal('worker-error'), message: z.string() }),
]);
export type RoutingResult = z.infer<typeof routingResultSchema>;

/**
 * BullMQ job id: one per call and attempt, so a retried enqueue is idempotent. BullMQ reserves
 * ':' in custom ids, and SIP Call-IDs may contain anything, hence the encoding.
 */
export function routingJobId(callId: string, attempt: number): string {
  return `route-${Buffer.from(callId).toString('base64url')}-${attempt}`;
}
