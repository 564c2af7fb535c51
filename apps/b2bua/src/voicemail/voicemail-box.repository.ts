import type { PrismaClient } from '@switchboard/db';
import type { VoicemailJob } from './voicemail-job.js';

export interface MailboxInfo {
  readonly boxId: string;
  readonly mailbox: string;
  readonly enabled: boolean;
  readonly extensionEnabled: boolean;
  readonly greetingPath: string | null;
  readonly maxMessageSeconds: number;
  readonly maxMessages: number;
  readonly messageCount: number;
  readonly pinHash: string | null;
}

export interface StoredMessage {
  readonly id: string;
  readonly wavPath: string;
  readonly callerNumber: string;
  readonly createdAt: Date;
  readonly heard: boolean;
}

/** The voicemail's PostgreSQL access (VoicemailBox, VoicemailMessage, Extension.voicemailPinHash). */
export class VoicemailBoxRepository {
  constructor(private readonly prisma: PrismaClient) {}

  async find(mailbox: string): Promise<MailboxInfo | undefined> {
    const ext = await this.prisma.extension.findUnique({
      where: { number: mailbox },
      select: {
        enabled: true,
        voicemailPinHash: true,
        voicemailBox: {
          select: {
            id: true,
            enabled: true,
            greetingPath: true,
            maxMessageSeconds: true,
            maxMessages: true,
            _count: { select: { messages: true } },
          },
        },
      },
    });
    const box = ext?.voicemailBox;
    if (!ext || !box) return undefined;
    return {
      boxId: box.id,
      mailbox,
      enabled: box.enabled,
      extensionEnabled: ext.enabled,
      greetingPath: box.greetingPath,
      maxMessageSeconds: box.maxMessageSeconds,
      maxMessages: box.maxMessages,
      messageCount: box._count.messages,
      pinHash: ext.voicemailPinHash,
    };
  }

  /** Creates the row once per idempotency key (a retried job finds the first row). */
  async storeMessage(boxId: string, job: VoicemailJob): Promise<{ id: string; created: boolean }> {
    const existing = await this.prisma.voicemailMessage.findUnique({
      where: { idempotencyKey: job.idempotencyKey },
      select: { id: true },
    });
    if (existing) return { id: existing.id, created: false };
    const row = await this.prisma.voicemailMessage.upsert({
      // upsert, not create: two workers racing on one key end with one row.
      where: { idempotencyKey: job.idempotencyKey },
      create: {
        boxId,
        callerNumber: job.callerNumber,
        ...(job.callerName ? { callerName: job.callerName } : {}),
        durationSeconds: job.durationSeconds,
        wavPath: job.wavPath,
        callId: job.callId,
        idempotencyKey: job.idempotencyKey,
        createdAt: new Date(job.recordedAt),
      },
      update: {},
      select: { id: true },
    });
    return { id: row.id, created: true };
  }

  /** New (unheard) messages first, each group newest first. */
  async listMessages(boxId: string): Promise<StoredMessage[]> {
    return this.prisma.voicemailMessage.findMany({
      where: { boxId },
      orderBy: [{ heard: 'asc' }, { createdAt: 'desc' }],
      select: { id: true, wavPath: true, callerNumber: true, createdAt: true, heard: true },
    });
  }

  async markHeard(id: string): Promise<void> {
    await this.prisma.voicemailMessage.updateMany({ where: { id }, data: { heard: true } });
  }

  /** Deletes the row; returns its WAV path (to remove the file) or undefined if already gone. */
  async deleteMessage(id: string): Promise<string | undefined> {
    const row = await this.prisma.voicemailMessage.findUnique({ where: { id }, select: { wavPath: true } });
    if (!row) return undefined;
    await this.prisma.voicemailMessage.deleteMany({ where: { id } });
    return row.wavPath;
  }

  /** Sets the greeting; returns the previous path (to remove its file). */
  async setGreeting(boxId: string, greetingPath: string): Promise<string | null> {
    const before = await this.prisma.voicemailBox.findUnique({
      where: { id: boxId },
      select: { greetingPath: true },
    });
    await this.prisma.voicemailBox.update({ where: { id: boxId }, data: { greetingPath } });
    return before?.greetingPath ?? null;
  }
}
