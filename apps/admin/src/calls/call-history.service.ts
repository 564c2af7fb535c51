import { Inject, Injectable } from '@nestjs/common';
import type { Prisma, PrismaClient } from '../common/db.js';
import { likeLiteral } from '../common/like-pattern.js';
import type { Page } from '../common/pagination.js';
import { PRISMA } from '../common/tokens.js';
import type { CallFilter, CallHistoryQuery } from './call-history.schemas.js';
import { csvLine } from './csv.js';

export interface CallRecordView {
  id: string;
  callerNumber: string;
  callerName: string | null;
  calleeNumber: string;
  answeredBy: string | null;
  startedAt: string;
  answeredAt: string | null;
  endedAt: string | null;
  durationSeconds: number | null;
  disposition: string;
  hangupCause: string | null;
  hangupSide: string | null;
  direction: 'internal' | 'inbound' | 'outbound';
  /** The trunk an inbound call came in on or an outbound call went out through. */
  trunk: string | null;
  /** The outside party's number (the caller of an inbound call, the number dialled out). */
  externalNumber: string | null;
  /** The number an inbound call was made to. */
  did: string | null;
}

type CallRow = Prisma.CallRecordGetPayload<object>;

export function toCallRecordView(row: CallRow): CallRecordView {
  const talkFrom = row.answeredAt ?? null;
  return {
    id: row.id,
    callerNumber: row.callerNumber,
    callerName: row.callerName,
    calleeNumber: row.calleeNumber,
    answeredBy: row.answeredBy,
    startedAt: row.startedAt.toISOString(),
    answeredAt: row.answeredAt?.toISOString() ?? null,
    endedAt: row.endedAt?.toISOString() ?? null,
    durationSeconds:
      talkFrom && row.endedAt
        ? Math.max(0, Math.round((row.endedAt.getTime() - talkFrom.getTime()) / 1000))
        : null,
    disposition: row.disposition,
    hangupCause: row.hangupCause,
    hangupSide: row.hangupSide,
    direction: row.direction,
    trunk: row.trunk,
    externalNumber: row.externalNumber,
    did: row.did,
  };
}

function endOf(value: string): Date {
  // A bare date means "up to the end of that day" (UTC).
  return /^\d{4}-\d{2}-\d{2}$/.test(value)
    ? new Date(Date.parse(`${value}T00:00:00Z`) + 86_400_000)
    : new Date(value);
}

function whereOf(filter: CallFilter): Prisma.CallRecordWhereInput {
  return {
    ...(filter.from || filter.to
      ? {
          startedAt: {
            ...(filter.from ? { gte: new Date(filter.from) } : {}),
            ...(filter.to ? { lt: endOf(filter.to) } : {}),
          },
        }
      : {}),
    ...(filter.number
      ? {
          OR: [
            { callerNumber: { contains: likeLiteral(filter.number) } },
            { calleeNumber: { contains: likeLiteral(filter.number) } },
          ],
        }
      : {}),
    ...(filter.disposition ? { disposition: filter.disposition } : {}),
    ...(filter.direction ? { direction: filter.direction } : {}),
  };
}

const csvHeader = [
  'id',
  'started_at',
  'caller_number',
  'caller_name',
  'callee_number',
  'answered_by',
  'answered_at',
  'ended_at',
  'duration_seconds',
  'disposition',
  'hangup_cause',
  'hangup_side',
  'direction',
  'trunk',
  'external_number',
  'did',
];

@Injectable()
export class CallHistoryService {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  async page(query: CallHistoryQuery): Promise<Page<CallRecordView>> {
    const where = whereOf(query);
    const [rows, total] = await Promise.all([
      this.prisma.callRecord.findMany({
        where,
        orderBy: [{ startedAt: 'desc' }, { id: 'asc' }],
        skip: (query.page - 1) * query.pageSize,
        take: query.pageSize,
      }),
      this.prisma.callRecord.count({ where }),
    ]);
    return { items: rows.map(toCallRecordView), total, page: query.page, pageSize: query.pageSize };
  }

  /** CSV of every matching call, newest first, fetched in batches so memory stays flat. */
  async *csv(filter: CallFilter): AsyncGenerator<string> {
    yield csvLine(csvHeader);
    const where = whereOf(filter);
    const batch = 1000;
    for (let skip = 0; ; skip += batch) {
      const rows = await this.prisma.callRecord.findMany({
        where,
        orderBy: [{ startedAt: 'desc' }, { id: 'asc' }],
        skip,
        take: batch,
      });
      for (const row of rows) {
        const v = toCallRecordView(row);
        yield csvLine([
          v.id,
          v.startedAt,
          v.callerNumber,
          v.callerName,
          v.calleeNumber,
          v.answeredBy,
          v.answeredAt,
          v.endedAt,
          v.durationSeconds,
          v.disposition,
          v.hangupCause,
          v.hangupSide,
          v.direction,
          v.trunk,
          v.externalNumber,
          v.did,
        ]);
      }
      if (rows.length < batch) return;
    }
  }
}
