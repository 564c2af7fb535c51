import { Inject, Injectable } from '@nestjs/common';
import { preparedSqlOf, type DialClass, type PreparedSql, type PrismaClient } from '@switchboard/db';
import type { ExtensionInfo } from '@switchboard/plugin-sdk';
import { PRISMA } from '../tokens.js';

/** A prepared statement, not Prisma's findUnique: the routing worker reads this for every call. */
const FIND_INFO = `
  SELECT e.number, e.display_name, e.enabled, e.max_concurrent_calls, e.dial_class::text AS dial_class,
    e.external_number, e.max_external_calls, v.enabled AS voicemail_enabled
  FROM extensions e LEFT JOIN voicemail_boxes v ON v.extension_id = e.id
  WHERE e.number = $1`;

/** The caller's outside-call limit, read by the signalling role for every trunk call. */
const MAX_EXTERNAL_CALLS = `SELECT max_external_calls FROM extensions WHERE number = $1`;

interface InfoRow {
  readonly number: string;
  readonly display_name: string;
  readonly enabled: boolean;
  readonly max_concurrent_calls: number;
  /** PostgreSQL's enum type holds it to DialClass. */
  readonly dial_class: DialClass;
  readonly external_number: string | null;
  readonly max_external_calls: number;
  /** null: the extension has no mailbox. */
  readonly voicemail_enabled: boolean | null;
}

@Injectable()
export class ExtensionRepository {
  private readonly sql: PreparedSql;

  constructor(@Inject(PRISMA) prisma: PrismaClient) {
    this.sql = preparedSqlOf(prisma);
  }

  async findInfo(number: string): Promise<ExtensionInfo | undefined> {
    const [row] = await this.sql.query<InfoRow>('extension_info', FIND_INFO, [number]);
    if (!row) return undefined;
    return {
      number: row.number,
      displayName: row.display_name,
      enabled: row.enabled,
      maxConcurrentCalls: row.max_concurrent_calls,
      hasVoicemail: row.voicemail_enabled ?? false,
      dialClass: row.dial_class,
      ...(row.external_number ? { externalNumber: row.external_number } : {}),
      maxExternalCalls: row.max_external_calls,
    };
  }

  /** The extension's limit of outside calls at once (0, no outside calls, for an unknown number). */
  async maxExternalCalls(number: string): Promise<number> {
    const [row] = await this.sql.query<{ max_external_calls: number }>(
      'extension_max_external_calls',
      MAX_EXTERNAL_CALLS,
      [number],
    );
    return row?.max_external_calls ?? 0;
  }
}
