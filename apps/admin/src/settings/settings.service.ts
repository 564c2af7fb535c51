import { Inject, Injectable } from '@nestjs/common';
import { AuditLogService, type AuditActor } from '../audit/audit-log.service.js';
import type { PrismaClient } from '../common/db.js';
import { PRISMA } from '../common/tokens.js';
import type { SettingsInput, SettingsView } from './settings.schemas.js';

/** What a PBX whose settings were never saved uses (the routing worker applies the same default). */
export const DEFAULT_SETTINGS: SettingsView = { timeZone: 'UTC' };

/** PBX-wide settings: one row (id 1) in `pbx_settings`, created on the first save. */
@Injectable()
export class SettingsService {
  constructor(
    @Inject(PRISMA) private readonly prisma: PrismaClient,
    @Inject(AuditLogService) private readonly audit: AuditLogService,
  ) {}

  async get(): Promise<SettingsView> {
    const row = await this.prisma.pbxSettings.findUnique({ where: { id: 1 } });
    return row ? { timeZone: row.timeZone } : DEFAULT_SETTINGS;
  }

  async update(actor: AuditActor, input: SettingsInput): Promise<SettingsView> {
    const before = await this.get();
    await this.prisma.pbxSettings.upsert({
      where: { id: 1 },
      create: { id: 1, timeZone: input.timeZone },
      update: { timeZone: input.timeZone },
    });
    const after = await this.get();
    await this.audit.record(actor, { action: 'update', entity: 'settings', entityId: 'pbx', before, after });
    return after;
  }
}
