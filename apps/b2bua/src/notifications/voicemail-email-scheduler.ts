import { logConnectionErrors } from '@switchboard/live-state';
import {
  Inject,
  Injectable,
  Optional,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import type { Logger, SwitchboardConfig } from '@switchboard/config';
import type { PrismaClient } from '@switchboard/db';
import { Queue } from 'bullmq';
import { CONFIG, LOGGER, PRISMA } from '../tokens.js';
import type { MessageWaitingNotifier } from '../voicemail/message-waiting-notifier.js';
import {
  DEFAULT_VOICEMAIL_EMAIL_OPTIONS,
  VOICEMAIL_EMAIL_OPTIONS,
  VOICEMAIL_EMAIL_QUEUE,
  voicemailEmailJobId,
  type VoicemailEmailJob,
  type VoicemailEmailOptions,
} from './voicemail-email-job.js';
import { queueConnection } from '../jobs/queue-connection.js';

/**
 * Queues the e-mail of each new message. The voicemail worker only says "mailbox changed" after it
 * stores a row, so on every change the recent messages of that mailbox are queued by message id:
 * BullMQ keeps a finished job's id (for longer than the look-back), so a message is e-mailed once
 * however often its mailbox changes. Without SMTP settings or a box e-mail address nothing is queued.
 */
@Injectable()
export class VoicemailEmailScheduler
  implements MessageWaitingNotifier, OnApplicationBootstrap, OnApplicationShutdown
{
  private queue: Queue | undefined;
  private readonly options: VoicemailEmailOptions;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Optional() @Inject(VOICEMAIL_EMAIL_OPTIONS) options?: VoicemailEmailOptions,
  ) {
    this.options = options ?? DEFAULT_VOICEMAIL_EMAIL_OPTIONS;
  }

  get enabled(): boolean {
    return this.config.smtp.url !== undefined;
  }

  async onApplicationBootstrap(): Promise<void> {
    if (!this.enabled) return;
    this.queue = new Queue(VOICEMAIL_EMAIL_QUEUE, {
      connection: queueConnection(this.config.redisUrl, 'voicemail e-mail queue', this.logger),
      prefix: this.config.queuePrefix,
      defaultJobOptions: {
        attempts: this.options.attempts,
        backoff: { type: 'exponential', delay: this.options.backoffMs },
        // Kept well beyond the look-back so that a re-scan never e-mails a message twice.
        removeOnComplete: { age: Math.ceil((this.options.lookbackMs * 7) / 1000) },
        removeOnFail: { age: Math.ceil((this.options.lookbackMs * 7) / 1000) },
      },
    });
    logConnectionErrors(this.queue, this.logger, 'voicemail e-mail queue');
    await this.queue.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.queue?.close();
  }

  /** Queues the e-mail of one stored message (idempotent). */
  async enqueue(messageId: string): Promise<void> {
    if (!this.queue) return;
    const job: VoicemailEmailJob = { messageId };
    await this.queue.add('voicemail-email', job, { jobId: voicemailEmailJobId(messageId) });
  }

  async mailboxChanged(extensionNumber: string): Promise<void> {
    if (!this.queue) return;
    const since = new Date(Date.now() - this.options.lookbackMs);
    const recent = await this.prisma.voicemailMessage.findMany({
      where: {
        createdAt: { gte: since },
        box: { email: { not: null }, extension: { number: extensionNumber } },
      },
      select: { id: true },
    });
    await Promise.all(recent.map((m) => this.enqueue(m.id)));
    if (recent.length > 0)
      this.logger.debug({ extensionNumber, messages: recent.length }, 'voicemail e-mails queued');
  }
}
