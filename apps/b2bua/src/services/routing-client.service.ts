import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { Queue, QueueEvents } from 'bullmq';
import { Redis } from 'ioredis';
import {
  ROUTING_QUEUE,
  routingJobId,
  routingResultSchema,
  type RoutingJob,
  type RoutingResult,
} from '../jobs/routing-job.js';
import { CONFIG, LOGGER } from '../tokens.js';

/** What call control gets back: a worker's result, or why there is none. */
export type RoutingOutcome =
  RoutingResult | { kind: 'timeout' } | { kind: 'cancelled' } | { kind: 'queue-error'; message: string };

/**
 * The signalling side of the routing queue: enqueue a job and wait a bounded time for its plan.
 * A CANCEL from the caller aborts the wait and the late plan is discarded (the job id is unique
 * per call and attempt, so nothing else can pick it up).
 */
@Injectable()
export class RoutingClientService implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue: Queue | undefined;
  private events: QueueEvents | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const connection = (): Redis => new Redis(this.config.redisUrl, { maxRetriesPerRequest: null });
    this.queue = new Queue(ROUTING_QUEUE, {
      // The adding connection never blocks: batch the adds of one event-loop turn into one write.
      connection: new Redis(this.config.redisUrl, { maxRetriesPerRequest: null, enableAutoPipelining: true }),
      prefix: this.config.queuePrefix,
      defaultJobOptions: { removeOnComplete: { age: 300 }, removeOnFail: { age: 3600 }, attempts: 1 },
    });
    this.events = new QueueEvents(ROUTING_QUEUE, {
      connection: connection(),
      prefix: this.config.queuePrefix,
    });
    await Promise.all([this.queue.waitUntilReady(), this.events.waitUntilReady()]);
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled([this.events?.close(), this.queue?.close()]);
  }

  async requestPlan(job: RoutingJob, signal?: AbortSignal): Promise<RoutingOutcome> {
    const queue = this.queue;
    const events = this.events;
    if (!queue || !events) return { kind: 'queue-error', message: 'routing queue not started' };
    if (signal?.aborted) return { kind: 'cancelled' };
    // Listen before the first await, so a CANCEL during `add` is not missed.
    const aborted = new Promise<'cancelled'>((resolve) => {
      signal?.addEventListener('abort', () => resolve('cancelled'), { once: true });
    });
    try {
      // Typed here; validated once, by the worker at the queue boundary.
      const added = await queue.add('route', job, { jobId: routingJobId(job.call.callId, job.attempt) });
      const finished = added.waitUntilFinished(events, this.config.routing.timeoutMs) as Promise<unknown>;
      const value = await Promise.race([finished, aborted]);
      if (value === 'cancelled') {
        finished.catch(() => undefined);
        await added.remove().catch(() => undefined); // still waiting? then no worker runs it
        return { kind: 'cancelled' };
      }
      const result = routingResultSchema.safeParse(value);
      if (!result.success) return { kind: 'queue-error', message: 'worker returned a malformed result' };
      return result.data;
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      if (/timed out|ttl/i.test(message)) {
        this.logger.warn(
          { callId: job.call.callId, timeoutMs: this.config.routing.timeoutMs },
          'routing timed out',
        );
        return { kind: 'timeout' };
      }
      this.logger.error({ err, callId: job.call.callId }, 'routing queue error');
      return { kind: 'queue-error', message };
    }
  }
}
