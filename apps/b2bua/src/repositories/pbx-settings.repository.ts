import { Inject, Injectable } from '@nestjs/common';
import { preparedSqlOf, type PreparedSql, type PrismaClient } from '@switchboard/db';
import { PRISMA } from '../tokens.js';

/** Time zone of a PBX whose settings row was never written (the admin app creates it on first save). */
export const DEFAULT_TIME_ZONE = 'UTC';

/** PBX-wide settings (one row), edited in the admin app; read by the routing worker for plugins. */
@Injectable()
export class PbxSettingsRepository {
  private readonly sql: PreparedSql;

  constructor(@Inject(PRISMA) prisma: PrismaClient) {
    this.sql = preparedSqlOf(prisma);
  }

  /** A prepared statement: the routing worker reads it once per call (unless cached). */
  async timeZone(): Promise<string> {
    const [row] = await this.sql.query<{ time_zone: string }>(
      'pbx_time_zone',
      'SELECT time_zone FROM pbx_settings WHERE id = 1',
      [],
    );
    return row?.time_zone ?? DEFAULT_TIME_ZONE;
  }
}
