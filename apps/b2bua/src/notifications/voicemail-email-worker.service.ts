import path from 'node:path';
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
import nodemailer, { type Transporter } from 'nodemailer';
import { CONFIG, LOGGER, PRISMA } from '../tokens.js';
import { composeVoicemailEmail } from './voicemail-email-composer.js';
import { VOICEMAIL_EMAIL_QUEUE, voicemailEmailJobSchema } from './voicemail-email-job.js';
import { queueConnection } from '../jobs/queue-connection.js';
import { observeJobWait } from '../ops/queue-job-wait.js';

export type VoicemailEmailResult = 'sent' | 'no-message' | 'no-address';

/**
 * Worker role: sends the e-mail of a stored voicemail message through SMTP (nodemailer) with the WAV
 * attached. A refused or unreachable SMTP server throws, so BullMQ retries with back-off; a message
 * deleted meanwhile or a box without address completes without e-mail.
 */
@Injectable()
export class VoicemailEmailWorkerService implements OnApplicationBootstrap, OnApplicationShutdown {
  private worker: Worker | undefined;
  private transport: Transporter | undefined;

  constructor(
    @Inject(CONFIG) private readonly config: SwitchboardConfig,
    @Inject(LOGGER) private readonly logger: Logger,
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Optional() @Inject(METRICS) private readonly metrics?: ProcessMetrics,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    const url = this.config.smtp.url;
    if (url === undefined) {
      this.logger.info('SWITCHBOARD_SMTP_URL is not set: voicemail e-mail notifications are off');
      return;
    }
    this.transport = nodemailer.createTransport(url);
    this.worker = new Worker(VOICEMAIL_EMAIL_QUEUE, (job) => this.process(job), {
      connection: queueConnection(this.config.redisUrl, 'voicemail e-mail worker', this.logger),
      prefix: this.config.queuePrefix,
      concurrency: 4,
    });
    logConnectionErrors(this.worker, this.logger, 'voicemail e-mail worker');
    if (this.metrics) observeJobWait(this.worker, this.metrics);
    this.worker.on('failed', (job, err) =>
      this.logger.warn(
        { err, jobId: job?.id, attempts: job?.attemptsMade },
        'voicemail e-mail attempt failed',
      ),
    );
    await this.worker.waitUntilReady();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.worker?.close();
    this.transport?.close();
  }

  async process(job: Job): Promise<VoicemailEmailResult> {
    const parsed = voicemailEmailJobSchema.safeParse(job.data);
    if (!parsed.success)
      throw new UnrecoverableError(`invalid voicemail e-mail job: ${parsed.error.message}`);
    if (!this.transport) throw new Error('SMTP is not configured');
    const message = await this.prisma.voicemailMessage.findUnique({
      where: { id: parsed.data.messageId },
      include: { box: { include: { extension: { select: { number: true, displayName: true } } } } },
    });
    if (!message) return 'no-message';
    const to = message.box.email;
    if (!to) return 'no-address';
    const wavFile = this.recordingPath(message.wavPath);
    const mail = composeVoicemailEmail({
      to,
      from: this.config.smtp.from,
      extension: message.box.extension.number,
      extensionName: message.box.extension.displayName ?? undefined,
      callerNumber: message.callerNumber,
      callerName: message.callerName,
      receivedAt: message.createdAt,
      durationSeconds: message.durationSeconds,
      wavFile,
    });
    await this.transport.sendMail({ ...mail, attachments: [...mail.attachments] });
    this.logger.info({ messageId: message.id, to }, 'voicemail e-mail sent');
    return 'sent';
  }

  /** The recording under the data directory; a path leading outside it is refused for good. */
  private recordingPath(wavPath: string): string {
    const root = path.resolve(this.config.dataDir);
    const file = path.resolve(root, wavPath);
    if (!file.startsWith(root + path.sep))
      throw new UnrecoverableError('recording path outside the data directory');
    return file;
  }
}
