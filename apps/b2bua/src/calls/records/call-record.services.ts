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
  CALL_RECORD_BATCH_JOB,
  CALL_RECORD_BATCH_MAX,
  CALL_RECORD_BATCH_MS,
  CALL_RECORD_JOB,
  CALL_RECORDS_QUEUE,
  callRecordBatchJobId,
  callRecordBatchJobSchema,
  callRecordJobSchema,
  type CallRecordJob,
} from '../../jobs/call-record-job.js';
import { CallRecordRepository } from '../../repositories/call-record.repository.js';
import { DurableQueuePublisher } from '../../jobs/durable-queue-publisher.js';
import { CONFIG, LOGGER } from '../../tokens.js';
import { WriteBatcher } from '../../jobs/write-batcher.js';
import { observeJobWait } from '../../ops/queue-job-wait.js';
import { queueConnection } from '../../jobs/queue-connection.js';

/**
 * Signalling side: hands finished calls to the queue, one job per batch of records (up to
 * CALL_RECORD_BATCH_MAX, or CALL_RECORD_BATCH_MS after the first), retried with backoff until
 * PostgreSQL has them. Each `publish` settles when its batch's job is in Redis.
 */
@Injectable()
export class CallRecordPublisherService extends DurableQueuePublisher<{ records: CallRecordJob[] }> {
  private readonly batcher = new WriteBatcher<CallRecordJob>(
    { maxItems: CALL_RECORD_BATCH_MAX, maxDelayMs: CALL_RECORD_BATCH_MS },
    (records) => this.addBatch(records),
    (record) => this.addBatch([record]),
  );

  constructor(@Inject(CONFIG) config: SwitchboardConfig, @Inject(LOGGER) logger: Logger) {
    super(config, logger, CALL_RECORDS_QUEUE, true);
  }

  publish(record: CallRecordJob): Promise<void> {
    // Validated once, by the worker at the queue boundary (it drops a bad record, logged).
    return this.batcher.add(record);
  }

  override async onApplicationShutdown(): Promise<void> {
    await this.batcher.drain();
    await super.onApplicationShutdown();
  }

  private addBatch(records: readonly CallRecordJob[]): Promise<void> {
    return this.add(CALL_RECORD_BATCH_JOB, { records: [...records] }, callRecordBatchJobId(records));
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

  /**
   * A batch job (or one record from an older signalling process). A retried batch writes each
   * record once: rows already stored by an earlier attempt are kept (ON CONFLICT DO NOTHING).
   */
  async process(job: Job): Promise<void> {
    if (job.name === CALL_RECORD_JOB) {
      const parsed = callRecordJobSchema.safeParse(job.data);
      if (!parsed.success)
        throw new UnrecoverableError(`invalid call record: ${parsed.error.issues[0]?.message ?? ''}`);
      await this.batcher.add(parsed.data);
      return;
    }
    const batch = callRecordBatchJobSchema.safeParse(job.data);
    if (!batch.success)
      throw new UnrecoverableError(`invalid call-record batch: ${batch.error.issues[0]?.message ?? ''}`);
    const valid: CallRecordJob[] = [];
    for (const raw of batch.data.records) {
      const parsed = callRecordJobSchema.safeParse(raw);
      if (parsed.success) valid.push(parsed.data);
      else
        this.logger.error(
          { jobId: job.id, callId: recordId(raw), issue: parsed.error.issues[0]?.message },
          'invalid call record dropped',
        );
    }
    if (valid.length === 0) throw new UnrecoverableError('call-record batch without a valid record');
    await Promise.all(valid.map((record) => this.batcher.add(record)));
  }
}

/** The call id of a record that failed validation, if it has one (for the log). */
function recordId(raw: unknown): string | undefined {
  if (typeof raw !== 'object' || raw === null || !('id' in raw)) return undefined;
  return typeof raw.id === 'string' ? raw.id.slice(0, 255) : undefined;
}
