import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { AddressInfo } from 'node:net';
import { createLogger, type SwitchboardConfig } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { Queue } from 'bullmq';
import { Redis } from 'ioredis';
import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer } from 'smtp-server';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { MailboxChangePublisher } from '../src/mwi/mailbox-change-publisher.js';
import { FanOutNotifier } from '../src/notifications/fan-out-notifier.js';
import { composeVoicemailEmail, formatDuration } from '../src/notifications/voicemail-email-composer.js';
import { VOICEMAIL_EMAIL_QUEUE, voicemailEmailJobId } from '../src/notifications/voicemail-email-job.js';
import { VoicemailEmailScheduler } from '../src/notifications/voicemail-email-scheduler.js';
import { VoicemailEmailWorkerService } from '../src/notifications/voicemail-email-worker.service.js';
import { createTestDatabase, requiredEnv, testConfig } from './support/test-env.js';

async function waitFor<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  ms = 15_000,
): Promise<T> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const v = await probe();
    if (v !== undefined) return v;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`timed out waiting for ${what}`);
}

/** A real SMTP server on loopback (npm smtp-server) that refuses the first `failFirst` messages with 451. */
class TestSmtp {
  readonly mails: ParsedMail[] = [];
  failFirst = 0;
  refused = 0;
  readonly server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData: (stream, _session, callback) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: Buffer) => chunks.push(c));
      stream.on('end', () => {
        if (this.refused < this.failFirst) {
          this.refused += 1;
          callback(Object.assign(new Error('Mailbox busy, try later'), { responseCode: 451 }));
          return;
        }
        simpleParser(Buffer.concat(chunks))
          .then((mail) => {
            this.mails.push(mail);
            callback();
          })
          .catch((err: unknown) => callback(err as Error));
      });
    },
  });
  port = 0;

  async start(): Promise<this> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.server.address() as AddressInfo).port;
    return this;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}

describe('voicemail e-mail composition', () => {
  const facts = {
    to: 'alice@example.com',
    from: 'PBX <pbx@example.com>',
    extension: '201',
    extensionName: 'Alice',
    callerNumber: '0301234',
    callerName: 'Bob\r\nBcc: evil@example.com',
    receivedAt: new Date('2026-11-26T09:05:03.120Z'),
    durationSeconds: 75,
    wavFile: '/data/vm/201/m1.wav',
  };

  it('plain text with caller, UTC time and duration; header injection in the caller name is neutralised', () => {
    const mail = composeVoicemailEmail(facts);
    expect(mail.subject).toBe('New voicemail from Bob Bcc: evil@example.com (0301234) (1:15)');
    expect(mail.subject).not.toMatch(/[\r\n]/);
    expect(mail.text.split('\n')).toEqual([
      'New voicemail for 201 (Alice).',
      '',
      'From:     Bob Bcc: evil@example.com (0301234)',
      'Received: 2026-11-26 09:05:03 UTC',
      'Duration: 1:15',
      '',
      'The recording is attached (WAV).',
      '',
    ]);
    expect(mail.attachments).toEqual([
      {
        filename: 'voicemail-201-20261126T090503Z.wav',
        path: '/data/vm/201/m1.wav',
        contentType: 'audio/wav',
      },
    ]);
    expect(formatDuration(0)).toBe('0:00');
    expect(formatDuration(3601)).toBe('60:01');
  });

  it('names an anonymous caller by number only', () => {
    const mail = composeVoicemailEmail({ ...facts, callerName: null, callerNumber: '' });
    expect(mail.subject).toBe('New voicemail from unknown (1:15)');
  });
});

describe('voicemail e-mail through BullMQ and SMTP (real Redis, PostgreSQL, smtp-server)', () => {
  let db: { url: string; drop: () => Promise<void> };
  let prisma: PrismaClient;
  let redis: Redis;
  let smtp: TestSmtp;
  let dataDir: string;
  let config: SwitchboardConfig;
  let boxId = '';
  const wavBytes = crypto.randomBytes(44 + 16_000); // a header-sized prefix and 1 s of 8 kHz 16-bit audio
  const stops: Array<() => Promise<void>> = [];

  const start = async (cfg: SwitchboardConfig) => {
    const logger = createLogger('test', cfg);
    const scheduler = new VoicemailEmailScheduler(cfg, logger, prisma, {
      attempts: 4,
      backoffMs: 100,
      lookbackMs: 3600_000,
    });
    const worker = new VoicemailEmailWorkerService(cfg, logger, prisma);
    await scheduler.onApplicationBootstrap();
    await worker.onApplicationBootstrap();
    stops.push(async () => {
      await worker.onApplicationShutdown();
      await scheduler.onApplicationShutdown();
    });
    return { scheduler, worker, logger };
  };

  const storeMessage = async (key: string) => {
    fs.mkdirSync(path.join(dataDir, 'voicemail'), { recursive: true });
    fs.writeFileSync(path.join(dataDir, 'voicemail', `${key}.wav`), wavBytes);
    return prisma.voicemailMessage.create({
      data: {
        boxId,
        callerNumber: '301',
        callerName: 'Bob',
        durationSeconds: 12,
        wavPath: `voicemail/${key}.wav`,
        idempotencyKey: key,
      },
    });
  };

  beforeAll(async () => {
    db = await createTestDatabase();
    prisma = createPrismaClient(db.url);
    redis = new Redis(requiredEnv('REDIS_URL'));
    smtp = await new TestSmtp().start();
    dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-vm-email-'));
    config = testConfig(db.url, {
      SWITCHBOARD_SIP_DOMAIN: `t${crypto.randomBytes(4).toString('hex')}.test`,
      SWITCHBOARD_QUEUE_PREFIX: `test-${crypto.randomBytes(4).toString('hex')}`,
      SWITCHBOARD_DATA_DIR: dataDir,
      SWITCHBOARD_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
      SWITCHBOARD_SMTP_FROM: 'Switchboard <pbx@example.test>',
    });
    const ext = await prisma.extension.create({ data: { number: '201', displayName: 'Alice' } });
    boxId = (await prisma.voicemailBox.create({ data: { extensionId: ext.id, email: 'alice@example.test' } }))
      .id;
  });

  afterEach(async () => {
    for (const stop of stops.splice(0)) await stop();
  });

  afterAll(async () => {
    await redis?.del(redisKeys.mwiChanges(config.sip.domain));
    await smtp?.stop();
    await prisma?.$disconnect();
    redis?.disconnect();
    await db?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('the worker-role notifier pushes the MWI change and e-mails the new message with its WAV, once', async () => {
    const { scheduler } = await start(config);
    const message = await storeMessage('m-1');
    const notifier = new FanOutNotifier([new MailboxChangePublisher(redis, config.sip.domain), scheduler]);
    await notifier.mailboxChanged('201');
    await notifier.mailboxChanged('201'); // e.g. marked heard later: no second e-mail

    expect(await redis.lrange(redisKeys.mwiChanges(config.sip.domain), 0, -1)).toEqual(['201', '201']);
    const mail = await waitFor('the e-mail', () => smtp.mails[0]);
    expect(mail.to && !Array.isArray(mail.to) ? mail.to.text : '').toBe('alice@example.test');
    expect(mail.from?.value).toEqual([{ name: 'Switchboard', address: 'pbx@example.test' }]);
    expect(mail.subject).toBe('New voicemail from Bob (301) (0:12)');
    expect(mail.text).toContain('From:     Bob (301)');
    expect(mail.text).toContain(
      `Received: ${message.createdAt.toISOString().slice(0, 19).replace('T', ' ')} UTC`,
    );
    expect(mail.attachments).toHaveLength(1);
    expect(mail.attachments[0]?.contentType).toBe('audio/wav');
    expect(mail.attachments[0]?.size).toBe(wavBytes.length);
    expect(Buffer.compare(mail.attachments[0]?.content ?? Buffer.alloc(0), wavBytes)).toBe(0);

    const queue = new Queue(VOICEMAIL_EMAIL_QUEUE, {
      connection: redis.duplicate(),
      prefix: config.queuePrefix,
    });
    try {
      const job = await waitFor('the job to complete', async () => {
        const j = await queue.getJob(voicemailEmailJobId(message.id));
        return j?.finishedOn ? j : undefined;
      });
      expect(job.returnvalue).toBe('sent');
      expect(await queue.getJobCounts('completed', 'waiting', 'delayed')).toEqual({
        completed: 1,
        waiting: 0,
        delayed: 0,
      });
    } finally {
      await queue.close();
    }
    expect(smtp.mails).toHaveLength(1);
  });

  it('a refusing SMTP server (451) leads to retries with back-off until the mail is accepted', async () => {
    smtp.mails.length = 0;
    smtp.refused = 0;
    smtp.failFirst = 2;
    const { scheduler } = await start(config);
    const message = await storeMessage('m-2');
    await scheduler.enqueue(message.id);
    const mail = await waitFor('the e-mail after two refusals', () => smtp.mails[0]);
    expect(smtp.refused).toBe(2);
    expect(mail.attachments[0]?.size).toBe(wavBytes.length);
    const queue = new Queue(VOICEMAIL_EMAIL_QUEUE, {
      connection: redis.duplicate(),
      prefix: config.queuePrefix,
    });
    try {
      const job = await waitFor('the job to complete', async () => {
        const j = await queue.getJob(voicemailEmailJobId(message.id));
        return j?.finishedOn ? j : undefined;
      });
      expect(job.attemptsMade).toBe(3);
      expect(job.returnvalue).toBe('sent');
    } finally {
      await queue.close();
    }
  });

  it('without SMTP settings: no job, no e-mail, one log line at start', async () => {
    smtp.mails.length = 0;
    const cfg: SwitchboardConfig = { ...config, smtp: { url: undefined, from: config.smtp.from } };
    const logger = createLogger('test', cfg);
    const info = vi.spyOn(logger, 'info');
    const worker = new VoicemailEmailWorkerService(cfg, logger, prisma);
    const scheduler = new VoicemailEmailScheduler(cfg, logger, prisma);
    await worker.onApplicationBootstrap();
    await scheduler.onApplicationBootstrap();
    stops.push(async () => {
      await worker.onApplicationShutdown();
      await scheduler.onApplicationShutdown();
    });
    const message = await storeMessage('m-3');
    await scheduler.mailboxChanged('201');
    await scheduler.enqueue(message.id);
    expect(info.mock.calls).toEqual([
      ['SWITCHBOARD_SMTP_URL is not set: voicemail e-mail notifications are off'],
    ]);
    expect(scheduler.enabled).toBe(false);
    const queue = new Queue(VOICEMAIL_EMAIL_QUEUE, {
      connection: redis.duplicate(),
      prefix: config.queuePrefix,
    });
    try {
      expect(await queue.getJob(voicemailEmailJobId(message.id))).toBeUndefined();
    } finally {
      await queue.close();
    }
    expect(smtp.mails).toEqual([]);
  });
});
