import type { Redis } from 'ioredis';
import { randomBytes, randomUUID } from 'node:crypto';
import os from 'node:os';
import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import {
  HEARTBEAT_INTERVAL_MS,
  liveProcessCount,
  logConnectionErrors,
  openChannelSubscriber,
} from '@switchboard/live-state';
import { SystemClock, type Clock } from '@switchboard/transactions';
import { Queue } from 'bullmq';
import {
  MAX_ROUTING_BATCH,
  ROUTING_BATCH_JOB,
  ROUTING_QUEUE,
  routingJobId,
  type RoutingBatchJob,
  type RoutingJob,
  type RoutingResult,
} from '../jobs/routing-job.js';
import { CONFIG, LOGGER, SIP_CLOCK } from '../tokens.js';
import { RoutingBatcher } from './routing-batcher.js';
import { decodeRoutingReply, routingReplyChannel } from './routing-reply.js';
import { queueConnection, routingJobOptions } from '../jobs/queue-connection.js';
import { preciseWallMs, type CallLatencyRecorder } from '../calls/call-latency.js';

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

/** A call waiting for its plan. */
interface PendingPlan {
  readonly jobId: string;
  readonly job: RoutingJob;
  readonly settle: (outcome: RoutingOutcome) => void;
  /** The BullMQ job that carries it once sent: its own id alone, the batch's id in a batch. */
  queueJobId?: string;
  /** Setup stage figures: where they go, when the plan was asked for (clock ms), when its job left (wall ms). */
  readonly latency: CallLatencyRecorder | undefined;
  readonly askedAt: number;
  sentWall?: number;
}

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
 *
 * Under load the calls of a short window travel in one job (`RoutingBatcher`,
 * SWITCHBOARD_ROUTING_BATCH_WINDOW_MS): one queue round trip for many calls. Each call keeps its
 * own reply, timeout, CANCEL and pick-up bound; an idle PBX sends every call alone at once.
 */
@Injectable()
export class RoutingClientService implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue: Queue | undefined;
  private subscriber: Redis | undefined;
  private channel = '';
  /** Job id → the waiting call. */
  private readonly waiting = new Map<string, PendingPlan>();
  private readonly batcher: RoutingBatcher<PendingPlan>;
  /** Jobs sent: single calls and batches (with the calls they carried), for tests and figures. */
  readonly sent = { single: 0, batches: 0, batchedCalls: 0 };
  /** Live routing workers at the last poll (undefined: not known yet). */
  private workersAlive: boolean | undefined;
  private workerPoll: NodeJS.Timeout | undefined;
  /** Redis connection for the heartbeat reads. */
  private redis: Redis | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Optional() @Inject(SIP_CLOCK) private readonly clock: Clock = new SystemClock(),
  ) {
    this.batcher = new RoutingBatcher({
      clock,
      maxWindowMs: config.routing.batchWindowMs,
      maxBatch: Math.min(config.routing.batchMax, MAX_ROUTING_BATCH),
      flush: (plans) => this.enqueue(plans),
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue(ROUTING_QUEUE, {
      // The adding connection never blocks: batch the adds of one event-loop turn into one write.
      connection: queueConnection(this.config.redisUrl, 'routing queue', this.logger, { pipelined: true }),
      prefix: this.config.queuePrefix,
      defaultJobOptions: routingJobOptions,
    });
    logConnectionErrors(this.queue, this.logger, 'routing queue');
    const node = `${os.hostname()}:${process.pid}:${randomBytes(4).toString('hex')}`;
    this.channel = routingReplyChannel(this.config.queuePrefix, node);
    const [, subscriber] = await Promise.all([
      this.queue.waitUntilReady(),
      openChannelSubscriber(
        this.config.redisUrl,
        this.channel,
        (message) => this.onReply(message),
        this.logger,
        'routing replies',
      ),
    ]);
    this.subscriber = subscriber;
    const redis = queueConnection(this.config.redisUrl, 'worker heartbeats', this.logger);
    this.redis = redis;
    await redis.ping();
    await this.pollWorkers();
    this.workerPoll = setInterval(() => void this.pollWorkers(), HEARTBEAT_INTERVAL_MS);
    this.workerPoll.unref();
  }

  /** Routing requests in the batching window, not sent yet. */
  get collecting(): number {
    return this.batcher.size;
  }

  /** Routing requests waiting for their plan (overload control's routing backlog). */
  get backlog(): number {
    return this.waiting.size;
  }

  async onApplicationShutdown(): Promise<void> {
    this.batcher.drain();
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
  private async checkPickedUp(queue: Queue, plan: PendingPlan): Promise<void> {
    const jobId = plan.queueJobId;
    if (jobId === undefined) return;
    try {
      const state = await queue.getJobState(jobId);
      if (!UNTAKEN.has(state)) return;
      if ((await queue.remove(jobId)) !== 1) return;
      // Every call the removed job carried (a batch: all of its calls) hears it now.
      const outcome: RoutingOutcome = { kind: 'not-picked-up', waitedMs: this.config.routing.pickupMs };
      for (const waiting of this.waiting.values()) if (waiting.queueJobId === jobId) waiting.settle(outcome);
    } catch (err) {
      this.logger.warn({ err, jobId }, 'routing job state not readable at the pick-up bound');
    }
  }

  /** Sends a batch from the batcher: one call as a plain `route` job, several as one batch job. */
  private enqueue(plans: PendingPlan[]): void {
    const queue = this.queue;
    const failed = (message: string): void => {
      for (const plan of plans) plan.settle({ kind: 'queue-error', message });
    };
    if (!queue) return failed('routing queue not started');
    const sentAt = this.clock.now();
    const sentWall = preciseWallMs();
    for (const plan of plans) {
      plan.sentWall = sentWall;
      plan.latency?.record('routingBatch', sentAt - plan.askedAt);
    }
    const [first] = plans;
    let added: Promise<unknown>;
    if (plans.length === 1 && first) {
      first.queueJobId = first.jobId;
      this.sent.single += 1;
      // Typed here; validated once, by the worker at the queue boundary.
      added = queue.add('route', { ...first.job, replyTo: this.channel }, { jobId: first.jobId });
    } else {
      const batchId = `routes-${randomUUID()}`;
      for (const plan of plans) plan.queueJobId = batchId;
      this.sent.batches += 1;
      this.sent.batchedCalls += plans.length;
      const data: RoutingBatchJob = {
        calls: plans.map(({ jobId, job }) => ({ jobId, call: job.call, attempt: job.attempt })),
        replyTo: this.channel,
      };
      added = queue.add(ROUTING_BATCH_JOB, data, { jobId: batchId });
    }
    added.then(
      () => {
        const ms = this.clock.now() - sentAt;
        for (const plan of plans) plan.latency?.record('routingEnqueue', ms);
      },
      (err: unknown) => failed(err instanceof Error ? err.message : String(err)),
    );
  }

  /** `latency`: told the routing stages of this call (setup figures). */
  async requestPlan(
    job: RoutingJob,
    signal?: AbortSignal,
    latency?: CallLatencyRecorder,
  ): Promise<RoutingOutcome> {
    const queue = this.queue;
    if (!queue) return { kind: 'queue-error', message: 'routing queue not started' };
    if (signal?.aborted) return { kind: 'cancelled' };
    if (!(await this.anyWorkerAlive())) {
      this.logger.error({ callId: job.call.callId }, 'no routing worker alive');
      return { kind: 'no-worker' };
    }
    // A CANCEL while the heartbeats were read: an abort listener added now would never fire.
    if (signal?.aborted) return { kind: 'cancelled' };
    const jobId = routingJobId(job.call.callId, job.attempt);
    let settle: (outcome: RoutingOutcome) => void = () => undefined;
    const settled = new Promise<RoutingOutcome>((resolve) => (settle = resolve));
    const plan: PendingPlan = { jobId, job, settle, latency, askedAt: this.clock.now() };
    // The bounded wait covers the batching window and the enqueue; a CANCEL is heard from the first moment.
    const timer = setTimeout(() => settle({ kind: 'timeout' }), this.config.routing.timeoutMs);
    const pickup = setTimeout(() => void this.checkPickedUp(queue, plan), this.config.routing.pickupMs);
    const onAbort = (): void => settle({ kind: 'cancelled' });
    signal?.addEventListener('abort', onAbort, { once: true });
    this.waiting.set(jobId, plan);
    const ticket = this.batcher.add(plan);
    const outcome = await settled;
    clearTimeout(timer);
    clearTimeout(pickup);
    signal?.removeEventListener('abort', onAbort);
    this.waiting.delete(jobId);
    if (outcome.kind === 'timeout' || outcome.kind === 'cancelled') {
      // Still in the batching window: it never leaves. Sent alone and still waiting in the queue:
      // removed, so no worker runs it. In a batch the other calls need the job: a worker routes it
      // and the late plan is ignored (no one waits for its job id any more).
      if (!ticket.withdraw() && plan.queueJobId === jobId) await queue.remove(jobId).catch(() => undefined);
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
    const plan = this.waiting.get(reply.jobId);
    if (!plan) return; // a plan that came too late
    const { timing } = reply;
    if (timing && plan.latency && plan.sentWall !== undefined) {
      plan.latency.record('routingPickup', timing.pickedAt - plan.sentWall);
      plan.latency.record('routingPlan', timing.decidedAt - timing.pickedAt);
      plan.latency.record('routingReply', preciseWallMs() - timing.decidedAt);
    }
    plan.settle(reply.result);
  }
}
