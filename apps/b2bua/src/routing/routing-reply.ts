import { z } from 'zod';
import { routingResultSchema, type RoutingResult } from '../jobs/routing-job.js';

/**
 * The reply a routing worker publishes on the asking process's channel (the job's `replyTo`):
 * the job id it answers and the worker's result. Parsed with zod on receipt like every queue payload.
 */
export const routingReplySchema = z.object({
  jobId: z.string().min(1),
  result: routingResultSchema,
  /** When the worker took the job and decided the plan (wall ms, `preciseWallMs`): setup stage figures. */
  timing: z.object({ pickedAt: z.number(), decidedAt: z.number() }).optional(),
});
export type RoutingReply = z.infer<typeof routingReplySchema>;
export type RoutingReplyTiming = NonNullable<RoutingReply['timing']>;

export function encodeRoutingReply(
  jobId: string,
  result: RoutingResult,
  timing?: RoutingReplyTiming,
): string {
  return JSON.stringify({ jobId, result, ...(timing ? { timing } : {}) } satisfies RoutingReply);
}

/** The reply, or undefined for a message that is not one (never throws). */
export function decodeRoutingReply(message: string): RoutingReply | undefined {
  try {
    const parsed = routingReplySchema.safeParse(JSON.parse(message));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}

/** One reply channel per signalling process (several may share a Redis and a queue prefix). */
export function routingReplyChannel(queuePrefix: string, node: string): string {
  return `${queuePrefix}:routing-reply:${node}`;
}
