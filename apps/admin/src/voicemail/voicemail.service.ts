import { createReadStream, type ReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { Inject, Injectable } from '@nestjs/common';
import { redisKeys } from '@switchboard/live-state';
import type { Redis } from 'ioredis';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import { notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { ADMIN_OPTIONS, PRISMA, REDIS } from '../common/tokens.js';
import type { VoicemailBoxInput } from './voicemail.schemas.js';

export interface VoicemailMessageView {
  id: string;
  callerNumber: string;
  callerName: string | null;
  durationSeconds: number;
  heard: boolean;
  createdAt: string;
}

@Injectable()
export class VoicemailService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'dataDir' | 'sipRealm'>,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(REDIS) private readonly redis: Redis,
  ) {}

  /** Every extension with its box (null when it has none) and message counts. */
  async boxes() {
    const extensions = await this.prisma.extension.findMany({
      orderBy: { number: 'asc' },
      include: { voicemailBox: { include: { messages: { select: { heard: true } } } } },
    });
    return extensions.map((e) => ({
      extensionId: e.id,
      number: e.number,
      displayName: e.displayName,
      hasPin: e.voicemailPinHash !== null,
      box: e.voicemailBox
        ? {
            id: e.voicemailBox.id,
            enabled: e.voicemailBox.enabled,
            maxMessageSeconds: e.voicemailBox.maxMessageSeconds,
            maxMessages: e.voicemailBox.maxMessages,
            email: e.voicemailBox.email,
            messages: e.voicemailBox.messages.length,
            unheard: e.voicemailBox.messages.filter((m) => !m.heard).length,
          }
        : null,
    }));
  }

  async upsertBox(actor: AuditActor, extensionId: string, input: VoicemailBoxInput) {
    if (!(await this.prisma.extension.findUnique({ where: { id: extensionId }, select: { id: true } }))) {
      throw notFound('extension');
    }
    const box = await this.prisma.voicemailBox.upsert({
      where: { extensionId },
      create: { extensionId, ...input },
      update: input,
    });
    await this.audit.record(actor, {
      action: 'update',
      entity: 'voicemail_box',
      entityId: box.id,
      after: input,
    });
    return box;
  }

  async messages(boxId: string): Promise<VoicemailMessageView[]> {
    const rows = await this.prisma.voicemailMessage.findMany({
      where: { boxId },
      orderBy: { createdAt: 'desc' },
    });
    return rows.map((m) => ({
      id: m.id,
      callerNumber: m.callerNumber,
      callerName: m.callerName,
      durationSeconds: m.durationSeconds,
      heard: m.heard,
      createdAt: m.createdAt.toISOString(),
    }));
  }

  async markHeard(actor: AuditActor, id: string, heard: boolean): Promise<void> {
    const { count } = await this.prisma.voicemailMessage.updateMany({ where: { id }, data: { heard } });
    if (count === 0) throw notFound('voicemail message');
    await this.mailboxChanged(id);
    await this.audit.record(actor, {
      action: heard ? 'mark_heard' : 'mark_unheard',
      entity: 'voicemail_message',
      entityId: id,
    });
  }

  async remove(actor: AuditActor, id: string): Promise<void> {
    const message = await this.prisma.voicemailMessage.findUnique({
      where: { id },
      include: { box: { select: { extension: { select: { number: true } } } } },
    });
    if (!message) throw notFound('voicemail message');
    await this.prisma.voicemailMessage.delete({ where: { id } });
    await this.announce(message.box.extension.number);
    const file = this.resolveAudio(message.wavPath);
    if (file) await rm(file, { force: true });
    await this.audit.record(actor, { action: 'delete', entity: 'voicemail_message', entityId: id });
  }

  async audio(id: string): Promise<{ stream: ReadStream; size: number }> {
    const message = await this.prisma.voicemailMessage.findUnique({ where: { id } });
    const file = message ? this.resolveAudio(message.wavPath) : null;
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) throw notFound('voicemail recording');
    return { stream: createReadStream(file), size: info.size };
  }

  /** Tells the B2BUA's message-waiting notifier (live-state `sb:mwi-changes:<domain>`) that counts changed. */
  private async mailboxChanged(messageId: string): Promise<void> {
    const row = await this.prisma.voicemailMessage.findUnique({
      where: { id: messageId },
      select: { box: { select: { extension: { select: { number: true } } } } },
    });
    if (row) await this.announce(row.box.extension.number);
  }

  private async announce(extensionNumber: string): Promise<void> {
    // Best effort: the change is already in PostgreSQL, and a phone's next SUBSCRIBE refresh brings it too.
    await this.redis
      .lpush(redisKeys.mwiChanges(this.options.sipRealm), extensionNumber)
      .catch(() => undefined);
  }

  /** The recording's absolute path, only if it lies inside the data directory. */
  private resolveAudio(wavPath: string): string | null {
    const root = path.resolve(this.options.dataDir);
    const file = path.resolve(root, wavPath);
    return file.startsWith(root + path.sep) ? file : null;
  }
}
