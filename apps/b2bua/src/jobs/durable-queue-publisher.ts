import type { OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import { Queue } from 'bullmq';
import { durableJobOptions, queueConnection } from './queue-connection.js';

/**
 * Signalling side of a write-behind queue: jobs are retried with backoff until the worker has
 * stored them, and each job id is its idempotency key (BullMQ keeps one job per id).
 */
export abstract class DurableQueuePublisher<T> implements OnApplicationBootstrap, OnApplicationShutdown {
  private queue: Queue | undefined;

  protected constructor(
    private readonly config: SwitchboardConfig,
    private readonly logger: Logger,
    private readonly queueName: string,
    /** Never blocks the caller: the adds of one event-loop turn go out in one write. */
    private readonly pipelined = false,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    this.queue = new Queue(this.queueName, {
      connection: queueConnection(this.config.redisUrl, `${this.queueName} queue`, this.logger, {
        pipelined: this.pipelined,
      }),
      prefix: this.config.queuePrefix,
      defaultJobOptions: durableJobOptions,
    });
    logConnectionErrors(this.queue, this.logger, `${this.queueName} queue`);
    await this.queue.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }

  protected async add(jobName: string, data: T, jobId: string): Promise<void> {
    if (!this.queue) throw new Error(`${this.queueName} queue not started`);
    await this.queue.add(jobName, data, { jobId });
  }
}
