import type { Redis } from 'ioredis';
import { randomBytes } from 'node:crypto';
import os from 'node:os';
import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { HEARTBEAT_INTERVAL_MS, liveProcessCount, logConnectionErrors } from '@switchboard/live-state';
import { Queue } from 'bullmq';
import { ROUTING_QUEUE, routingJobId, type RoutingJob, type RoutingResult } from '../jobs/routing-job.js';
import { CONFIG, LOGGER } from '../tokens.js';
import { decodeRoutingReply, routingReplyChannel } from './routing-reply.js';
import { KEEP_COMPLETED, queueConnection } from '../jobs/queue-connection.js';

/** What call control gets back: a worker's result, or why there is none. */
export type RoutingOutcome =
  | RoutingResult
  | { kind: 'timeout' }
  | { kind: 'cancelled' }
  | { kind: 'queue-error'; message: string }
  /** No routing worker has a live heartbeat: not even enqueued. */
  | { kind: 'no-worker' }
  /** Still waiting in the queue after SWITCHBOARD_ROUTING_PICKUP_MS: removed from it. */
  | { kind: 'not-picked-up'; waitedMs: number };

/** Job states in which no worker has taken the job yet. */
const UNTAKEN = new Set(['waiting', 'delayed', 'prioritized', 'waiting-children']);

/**
 * The signalling side of the routing queue: enqueue a job and wait a bounded time for its plan.
 * The worker publishes the result on this process's reply channel (the job's `replyTo`, Redis
 * pub/sub): one message instead of BullMQ's completed event through QueueEvents, whose stream
 * reads made the routing wait the largest part of call setup under load (bench:cps).
 * A CANCEL from the caller aborts the wait and the late plan is discarded (the job id is unique
 * per call and attempt, so nothing else can pick it up). With no routing worker alive (heartbeats,
 * `ProcessHeartbeatService`) or a job nobody picks up within SWITCHBOARD_ROUTING_PICKUP_MS, the call
 * hears so at once instead of after the whole routing timeout.
 */
@Injectable()
export class RoutingClientService implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue: Queue | undefined;
  private subscriber: Redis | undefined;
  private channel = '';
  /** Job id → the waiting call's resolver. */
  private readonly waiting = new Map<string, (result: RoutingResult) => void>();
  /** Live routing workers at the last poll (undefined: not known yet). */
  private workersAlive: boolean | undefined;
  private workerPoll: NodeJS.Timeout | undefined;
  /** Redis connection for the heartbeat reads. */
  private redis: Redis | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue(ROUTING_QUEUE, {
      // The adding connection never blocks: batch the adds of one event-loop turn into one write.
      connection: queueConnection(this.config.redisUrl, 'routing queue', this.logger, { pipelined: true }),
      prefix: this.config.queuePrefix,
      // Bounded by count too: 300 s of routing jobs at 1,000 calls/s would be 300k jobs in Redis.
      defaultJobOptions: {
        removeOnComplete: { age: 300, count: KEEP_COMPLETED },
        removeOnFail: { age: 3600, count: KEEP_COMPLETED },
        attempts: 1,
      },
    });
    logConnectionErrors(this.queue, this.logger, 'routing queue');
    const node = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.channel = routingReplyChannel(this.config.queuePrefix, node);
    const subscriber = queueConnection(this.config.redisUrl, 'routing replies', this.logger);
    subscriber.on('message', (_channel: string, message: string) => this.onReply(message));
    this.subscriber = subscriber;
    await Promise.all([this.queue.waitUntilReady(), subscriber.subscribe(this.channel)]);
    const redis = queueConnection(this.config.redisUrl, 'worker heartbeats', this.logger);
    this.redis = redis;
    await redis.ping();
    await this.pollWorkers();
    this.workerPoll = setInterval(() => void this.pollWorkers(), HEARTBEAT_INTERVAL_MS);
    this.workerPoll.unref();
  }

  /** Routing requests waiting for their plan (overload control's routing backlog). */
  get backlog(): number {
    return this.waiting.size;
  }

  async onApplicationShutdown(): Promise<void> {
    clearInterval(this.workerPoll);
    await Promise.allSettled([this.subscriber?.quit(), this.queue?.close(), this.redis?.quit()]);
  }

  /** Never rejects: an unreadable heartbeat leaves the last known state. */
  private async pollWorkers(): Promise<boolean | undefined> {
    const redis = this.redis;
    if (!redis) return undefined;
    try {
      this.workersAlive = (await liveProcessCount(redis, this.config.queuePrefix, 'worker')) > 0;
    } catch (err) {
      this.logger.warn({ err }, 'routing worker heartbeats not readable');
    }
    return this.workersAlive;
  }

  /**
   * The polled state; when it says "none", asked again now (a worker may just have started, or beaten
   * again on its reconnect after a Redis restart: ProcessHeartbeatService).
   */
  private async anyWorkerAlive(): Promise<boolean> {
    if (this.workersAlive === true) return true;
    return (await this.pollWorkers()) !== false;
  }

  /**
   * At the pick-up bound: a job still waiting in the queue is removed (a worker that takes it
   * meanwhile keeps it: BullMQ does not remove a locked job) and the call hears `not-picked-up`.
   */
  private async checkPickedUp(
    queue: Queue,
    jobId: string,
    settle: (outcome: RoutingOutcome) => void,
  ): Promise<void> {
    try {
      const state = await queue.getJobState(jobId);
      if (!UNTAKEN.has(state)) return;
      if ((await queue.remove(jobId)) === 1)
        settle({ kind: 'not-picked-up', waitedMs: this.config.routing.pickupMs });
    } catch (err) {
      this.logger.warn({ err, jobId }, 'routing job state not readable at the pick-up bound');
    }
  }

  async requestPlan(job: RoutingJob, signal?: AbortSignal): Promise<RoutingOutcome> {
    const queue = this.queue;
    if (!queue) return { kind: 'queue-error', message: 'routing queue not started' };
    if (signal?.aborted) return { kind: 'cancelled' };
    if (!(await this.anyWorkerAlive())) {
      this.logger.error({ callId: job.call.callId }, 'no routing worker alive');
      return { kind: 'no-worker' };
    }
    const jobId = routingJobId(job.call.callId, job.attempt);
    let settle: (outcome: RoutingOutcome) => void = () => undefined;
    const settled = new Promise<RoutingOutcome>((resolve) => (settle = resolve));
    // The bounded wait covers the enqueue too; a CANCEL is heard from the first moment.
    const timer = setTimeout(() => settle({ kind: 'timeout' }), this.config.routing.timeoutMs);
    const pickup = setTimeout(
      () => void this.checkPickedUp(queue, jobId, settle),
      this.config.routing.pickupMs,
    );
    const onAbort = (): void => settle({ kind: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.waiting.set(jobId, settle);
    // Typed here; validated once, by the worker at the queue boundary.
    queue.add('route', { ...job, replyTo: this.channel }, { jobId }).catch((err: unknown) => {
      settle({ kind: 'queue-error', message: err instanceof Error ? err.message : String(err) });
    });
    const outcome = await settled;
    clearTimeout(timer);
    clearTimeout(pickup);
    signal?.removeEventListener('abort', onAbort);
    this.waiting.delete(jobId);
    if (outcome.kind === 'timeout' || outcome.kind === 'cancelled') {
      // Still waiting? Then no worker runs it (a late result is ignored either way).
      await queue.remove(jobId).catch(() => undefined);
    }
    if (outcome.kind === 'timeout') {
      this.logger.warn(
        { callId: job.call.callId, timeoutMs: this.config.routing.timeoutMs },
        'routing timed out',
      );
    } else if (outcome.kind === 'not-picked-up') {
      this.logger.error(
        { callId: job.call.callId, pickupMs: this.config.routing.pickupMs },
        'routing job not picked up by a worker',
      );
    } else if (outcome.kind === 'queue-error') {
      this.logger.error({ callId: job.call.callId, message: outcome.message }, 'routing queue error');
    }
    return outcome;
  }

  private onReply(message: string): void {
    const reply = decodeRoutingReply(message);
    if (!reply) {
      this.logger.warn({ channel: this.channel }, 'malformed routing reply ignored');
      return;
    }
    this.waiting.get(reply.jobId)?.(reply.result); // unknown id: a plan that came too late
  }
}
