import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import {
  CALL_RECORDS_QUEUE,
  callRecordJobId,
  callRecordJobSchema,
  type CallRecordJob,
} from '../../jobs/call-record-job.js';
import { CallRecordRepository } from '../../repositories/call-record.repository.js';
import { DurableQueuePublisher } from '../../jobs/durable-queue-publisher.js';
import { CONFIG, LOGGER } from '../../tokens.js';
import { WriteBatcher } from '../../jobs/write-batcher.js';
import { observeJobWait } from '../../ops/queue-job-wait.js';
import { queueConnection } from '../../jobs/queue-connection.js';

/** Signalling side: hands finished calls to the queue (retried with backoff until PostgreSQL has them). */
@Injectable()
export class CallRecordPublisherService extends DurableQueuePublisher<CallRecordJob> {
  constructor(@Inject(CONFIG) config: SwitchboardConfig, @Inject(LOGGER) logger: Logger) {
    super(config, logger, CALL_RECORDS_QUEUE, true);
  }

  async publish(record: CallRecordJob): Promise<void> {
    // Validated once, by the worker at the queue boundary (it rejects a bad record as unrecoverable).
    await this.add('call-record', record, callRecordJobId(record.id));
  }
}

/** Worker side: writes call records to PostgreSQL. */
@Injectable()
export class CallRecordWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  /** Records of concurrent jobs go to PostgreSQL in one INSERT (up to 64, or 5 ms after the first). */
  private readonly batcher: WriteBatcher<CallRecordJob>;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CallRecordRepository) private readonly records: CallRecordRepository,
    @Optional() @Inject(METRICS) private readonly metrics?: ProcessMetrics,
  ) {
    this.batcher = new WriteBatcher<CallRecordJob>(
      { maxItems: 64, maxDelayMs: 5 },
      (batch) => this.records.saveMany(batch),
      (one) => this.records.save(one),
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(CALL_RECORDS_QUEUE, (job) => this.process(job), {
      connection: queueConnection(this.config.redisUrl, 'call record worker', this.logger),
      prefix: this.config.queuePrefix,
      // Enough jobs in flight for the batcher to fill its INSERTs.
      concurrency: 64,
      // A killed worker's jobs go back to the queue once its lock lapses and a stall check sees it:
      // 10 s + 5 s instead of BullMQ's 30 s + 30 s, so records of a crash arrive within ~15 s.
      // A live worker renews its locks every 5 s, so a slow write (database outage) is not re-run.
      lockDuration: 10_000,
      stalledInterval: 5_000,
    });
    logConnectionErrors(this.worker, this.logger, 'call record worker');
    if (this.metrics) observeJobWait(this.worker, this.metrics);
    await this.worker.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    this.batcher.flush();
    await this.worker?.close();
  }

  async process(job: Job): Promise<void> {
    const parsed = callRecordJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid call record: ${parsed.error.issues[0]?.message ?? ''}`);
    await this.batcher.add(parsed.data);
  }
}
