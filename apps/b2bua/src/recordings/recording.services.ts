import { Inject, Injectable, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { queueConnection } from '../jobs/queue-connection.js';
import {
  RECORDINGS_QUEUE,
  recordingJobId,
  recordingJobSchema,
  type RecordingJob,
} from '../jobs/recording-job.js';
import { CallRecordingRepository } from '../repositories/call-recording.repository.js';
import { DurableQueuePublisher } from '../jobs/durable-queue-publisher.js';
import { CONFIG, LOGGER } from '../tokens.js';
import { RecordingNotReady, RecordingStore } from './recording-store.js';

/** A pcap without rtpengine's finished metadata is taken as it is after this (rtpengine was killed). */
const INCOMPLETE_AFTER_MS = 60_000;
/** Retention and the size cap run at most this often, after a stored recording and at start. */
const PRUNE_EVERY_MS = 60_000;

/** Signalling side: hands recorded calls that ended to the worker queue. */
@Injectable()
export class RecordingPublisherService extends DurableQueuePublisher<RecordingJob> {
  constructor(@Inject(CONFIG) config: SwitchboardConfig, @Inject(LOGGER) logger: Logger) {
    super(config, logger, RECORDINGS_QUEUE, true);
  }

  async publish(job: RecordingJob): Promise<void> {
    await this.add('recording', job, recordingJobId(job.callId));
  }
}

/** Worker side: makes each recorded call's WAV and row, and applies the retention. */
@Injectable()
export class RecordingWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private readonly store: RecordingStore;
  private lastPrune = Number.NEGATIVE_INFINITY;
  private pruning = false;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(CallRecordingRepository) repository: CallRecordingRepository,
  ) {
    const r = config.recording;
    this.store = new RecordingStore(
      {
        spoolDir: r.spoolDir,
        dataDir: config.dataDir,
        retentionDays: r.retentionDays,
        maxTotalBytes: r.maxTotalBytes,
        maxSeconds: config.calls.maxDurationSeconds > 0 ? config.calls.maxDurationSeconds : 4 * 3600,
        incompleteAfterMs: INCOMPLETE_AFTER_MS,
      },
      repository,
      logger,
    );
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(RECORDINGS_QUEUE, (job) => this.process(job), {
      connection: queueConnection(this.config.redisUrl, 'recording worker', this.logger),
      prefix: this.config.queuePrefix,
      // Decoding is CPU work: two at a time leaves the routing jobs room.
      concurrency: 2,
    });
    logConnectionErrors(this.worker, this.logger, 'recording worker');
    await this.worker.waitUntilReady();
    this.pruneSometimes();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  async process(job: Job): Promise<void> {
    const parsed = recordingJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid recording job: ${parsed.error.issues[0]?.message ?? ''}`);
    try {
      await this.store.store(parsed.data, Date.now() - job.timestamp);
    } catch (err) {
      // Retried with backoff (durableJobOptions); a pcap still being written is not worth a warning.
      if (!(err instanceof RecordingNotReady))
        this.logger.warn(
          { err, call: parsed.data.callId, attempt: job.attemptsMade },
          'recording not stored yet',
        );
      throw err;
    }
    this.pruneSometimes();
  }

  private pruneSometimes(): void {
    const now = Date.now();
    if (this.pruning || now - this.lastPrune < PRUNE_EVERY_MS) return;
    this.pruning = true;
    this.lastPrune = now;
    this.store
      .prune(new Date(now))
      .then((removed) => {
        if (removed > 0) this.logger.info({ removed }, 'call recordings pruned (retention / size cap)');
      })
      .catch((err: unknown) => this.logger.warn({ err }, 'call recording pruning failed'))
      .finally(() => {
        this.pruning = false;
      });
  }
}
