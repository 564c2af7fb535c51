import { createReadStream, type ReadStream } from 'node:fs';
import { rm, stat } from 'node:fs/promises';
import { Inject, Injectable, Logger } from '@nestjs/common';
import { menuGreetingPath, resolveDataFile, writeDataFile } from '@switchboard/db';
import { telephonyWav, WavError } from '@switchboard/media';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import type { AdminOptions } from '../common/admin-options.js';
import { notFound } from '../common/conflict.js';
import type { PrismaClient } from '../common/db.js';
import { ADMIN_OPTIONS, PRISMA } from '../common/tokens.js';
import { validationError } from '../common/zod-validation.pipe.js';

/** The largest greeting upload accepted (multer refuses bigger ones with 413 before reading them). */
export const MAX_GREETING_BYTES = 10 * 1024 * 1024;

export interface GreetingUpload {
  readonly buffer: Buffer;
  readonly originalname: string;
}

/**
 * A menu's uploaded greeting: checked and converted to 8 kHz mono 16-bit PCM (media's telephonyWav),
 * stored under the data directory (`ivr/<menu id>/greeting-<ms>.wav`, db's data-files, shared with
 * the B2BUA that plays it) and named by `ivr_menus.greeting_path`. A replacement gets a fresh file
 * name (a call playing the old one keeps it) and the old file goes once the row points elsewhere.
 */
@Injectable()
export class IvrMenuGreetingsService {
  private readonly logger = new Logger('IvrMenuGreetings');

  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
    @Inject(ADMIN_OPTIONS) private readonly options: Pick<AdminOptions, 'dataDir'>,
  ) {}

  /** Stores `file` as the menu's greeting; what it became (length, conversions made). */
  async upload(
    actor: AuditActor,
    menuId: string,
    file: GreetingUpload | undefined,
  ): Promise<{ durationMs: number; conversions: readonly string[] }> {
    const before = await this.findRow(menuId);
    if (!file)
      throw validationError([{ field: 'file', message: 'a WAV file is required (multipart field "file")' }]);
    let converted;
    try {
      converted = telephonyWav(file.buffer);
    } catch (err) {
      if (err instanceof WavError) throw validationError([{ field: 'file', message: err.message }]);
      throw err;
    }
    const relative = menuGreetingPath(menuId, Date.now());
    await writeDataFile(this.options.dataDir, relative, converted.wav);
    try {
      await this.prisma.ivrMenu.update({ where: { id: menuId }, data: { greetingPath: relative } });
    } catch (err) {
      await this.removeFile(relative); // the menu went meanwhile: leave no orphan
      throw err;
    }
    if (before.greetingPath) await this.removeFile(before.greetingPath);
    await this.audit.record(actor, {
      action: before.greetingPath ? 'replace_greeting' : 'upload_greeting',
      entity: 'ivr_menu',
      entityId: menuId,
      after: {
        file: file.originalname,
        bytes: file.buffer.length,
        durationMs: converted.durationMs,
        conversions: converted.conversions,
      },
    });
    return { durationMs: converted.durationMs, conversions: converted.conversions };
  }

  async remove(actor: AuditActor, menuId: string): Promise<void> {
    const before = await this.findRow(menuId);
    if (!before.greetingPath) throw notFound('greeting');
    await this.prisma.ivrMenu.update({ where: { id: menuId }, data: { greetingPath: null } });
    await this.removeFile(before.greetingPath);
    await this.audit.record(actor, { action: 'delete_greeting', entity: 'ivr_menu', entityId: menuId });
  }

  async audio(menuId: string): Promise<{ stream: ReadStream; size: number }> {
    const row = await this.findRow(menuId);
    const file = row.greetingPath ? resolveDataFile(this.options.dataDir, row.greetingPath) : null;
    const info = file ? await stat(file).catch(() => null) : null;
    if (!file || !info?.isFile()) throw notFound('greeting');
    return { stream: createReadStream(file), size: info.size };
  }

  /** A deleted menu's greeting file goes with it. */
  async menuDeleted(greetingPath: string | null): Promise<void> {
    if (greetingPath) await this.removeFile(greetingPath);
  }

  private async removeFile(relative: string): Promise<void> {
    const file = resolveDataFile(this.options.dataDir, relative);
    // The row no longer names it: a file that cannot go is only disk space, so it is logged, not fatal.
    if (file)
      await rm(file, { force: true }).catch((err: unknown) =>
        this.logger.warn(`greeting ${relative} not removed: ${String(err)}`),
      );
  }

  private async findRow(id: string) {
    const row = await this.prisma.ivrMenu.findUnique({ where: { id }, select: { greetingPath: true } });
    if (!row) throw notFound('menu');
    return row;
  }
}
