import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import { PRISMA } from '../tokens.js';

/** Time zone of a PBX whose settings row was never written (the admin app creates it on first save). */
export const DEFAULT_TIME_ZONE = 'UTC';

/** PBX-wide settings (one row), edited in the admin app; read by the routing worker for plugins. */
@Injectable()
export class PbxSettingsRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async timeZone(): Promise<string> {
    const row = await this.prisma.pbxSettings.findUnique({ where: { id: 1 }, select: { timeZone: true } });
    return row?.timeZone ?? DEFAULT_TIME_ZONE;
  }
}
