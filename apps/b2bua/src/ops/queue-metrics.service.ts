import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { Queue } from 'bullmq';
import type { Redis } from 'ioredis';
import { RECORDINGS_QUEUE } from '../jobs/recording-job.js';
import { CALL_RECORDS_QUEUE } from '../jobs/call-record-job.js';
import { queueConnection } from '../jobs/queue-connection.js';
import { ROUTING_QUEUE } from '../jobs/routing-job.js';
import { VOICEMAIL_EMAIL_QUEUE } from '../notifications/voicemail-email-job.js';
import { CONFIG, LOGGER } from '../tokens.js';
import { VOICEMAIL_QUEUE } from '../voicemail/voicemail-job.js';

const QUEUES = [
  ROUTING_QUEUE,
  CALL_RECORDS_QUEUE,
  RECORDINGS_QUEUE,
  VOICEMAIL_QUEUE,
  VOICEMAIL_EMAIL_QUEUE,
] as const;
const STATES = ['waiting', 'active', 'delayed', 'failed'] as const;

/**
 * Queue depth and wait of every BullMQ queue, read from Redis at scrape time by the worker role
 * (the queues' consumer): jobs per state, and how long the oldest waiting job has waited.
 */
@Injectable()
export class QueueMetricsService implements OnApplicationBootstrap, OnApplicationShutdown {
  private connection: Redis | undefined;
  private queues: Queue[] = [];

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(METRICS) private readonly metrics: ProcessMetrics,
    @Inject(LOGGER) private readonly logger: Logger,
  ) {}

  onApplicationBootstrap(): void {
    const connection = queueConnection(this.config.redisUrl, 'queue metrics', this.logger);
    this.connection = connection;
    const queues = QUEUES.map((name) => new Queue(name, { connection, prefix: this.config.queuePrefix }));
    for (const q of queues) logConnectionErrors(q, this.logger, `${q.name} queue metrics`);
    this.queues = queues;
    this.metrics.gauge({
      name: 'switchboard_queue_jobs',
      help: 'Jobs per BullMQ queue and state (waiting = queue depth)',
      labelNames: ['queue', 'state'],
      async collect() {
        for (const q of queues) {
          const counts = await q.getJobCounts(...STATES);
          for (const state of STATES) this.set({ queue: q.name, state }, counts[state] ?? 0);
        }
      },
    });
    this.metrics.gauge({
      name: 'switchboard_queue_oldest_waiting_seconds',
      help: 'How long the oldest job still waiting in each queue has waited (0 when none waits)',
      labelNames: ['queue'],
      async collect() {
        for (const q of queues) {
          const [oldest] = await q.getWaiting(-1, -1);
          this.set({ queue: q.name }, oldest ? Math.max(0, (Date.now() - oldest.timestamp) / 1000) : 0);
        }
      },
    });
  }

  async onApplicationShutdown(): Promise<void> {
    await Promise.allSettled(this.queues.map((q) => q.close()));
    await this.connection?.quit().catch(() => undefined);
  }
}
