import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import { logConnectionErrors } from '@switchboard/live-state';
import type { PrismaClient } from '@switchboard/db';
import { METRICS, type ProcessMetrics } from '@switchboard/metrics';
import { UnrecoverableError, Worker, type Job } from 'bullmq';
import { DurableQueuePublisher } from '../jobs/durable-queue-publisher.js';
import { CONFIG, LOGGER, PRISMA } from '../tokens.js';
import {
  MESSAGE_WAITING_NOTIFIER,
  NoopMessageWaitingNotifier,
  type MessageWaitingNotifier,
} from './message-waiting-notifier.js';
import { VoicemailBoxRepository } from './voicemail-box.repository.js';
import { VOICEMAIL_QUEUE, voicemailJobSchema, type VoicemailJob } from './voicemail-job.js';
import { queueConnection } from '../jobs/queue-connection.js';
import { observeJobWait } from '../ops/queue-job-wait.js';

/** Signalling side: queues recorded messages (retried with backoff until PostgreSQL has them). */
@Injectable()
export class VoicemailPublisherService extends DurableQueuePublisher<VoicemailJob> {
  constructor(@Inject(CONFIG) config: SwitchboardConfig, @Inject(LOGGER) logger: Logger) {
    super(config, logger, VOICEMAIL_QUEUE);
  }

  async publish(job: VoicemailJob): Promise<void> {
    await this.add('voicemail-message', job, job.idempotencyKey);
  }
}

/**
 * Worker side: stores each recorded message as a VoicemailMessage row (once per idempotency key,
 * however often the job runs), then tells the MessageWaitingNotifier.
 */
@Injectable()
export class VoicemailWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private readonly boxes: VoicemailBoxRepository;
  private readonly notifier: MessageWaitingNotifier;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PRISMA) prisma: PrismaClient,
    @Optional() @Inject(MESSAGE_WAITING_NOTIFIER) notifier?: MessageWaitingNotifier,
    @Optional() @Inject(METRICS) private readonly metrics?: ProcessMetrics,
  ) {
    this.boxes = new VoicemailBoxRepository(prisma);
    this.notifier = notifier ?? new NoopMessageWaitingNotifier();
  }

  async onApplicationBootstrap(): Promise<void> {
    this.worker = new Worker(VOICEMAIL_QUEUE, (job) => this.process(job), {
      connection: queueConnection(this.config.redisUrl, 'voicemail worker', this.logger),
      prefix: this.config.queuePrefix,
      concurrency: 4,
    });
    logConnectionErrors(this.worker, this.logger, 'voicemail worker');
    if (this.metrics) observeJobWait(this.worker, this.metrics);
    await this.worker.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
  }

  /** One job (public so that tests can run a retry of the same job by hand). */
  async process(job: Pick<Job, 'data'>): Promise<{ id: string; created: boolean }> {
    const parsed = voicemailJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid voicemail job: ${parsed.error.issues[0]?.message ?? ''}`);
    const data = parsed.data;
    const box = await this.boxes.find(data.mailbox);
    if (!box) throw new UnrecoverableError(`voicemail box ${data.mailbox} no longer exists`);
    const stored = await this.boxes.storeMessage(box.boxId, data);
    try {
      await this.notifier.mailboxChanged(data.mailbox);
    } catch (err) {
      this.logger.warn({ err, mailbox: data.mailbox }, 'message-waiting notification failed');
    }
    return stored;
  }
}
