import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { CallRecordJob } from '../jobs/call-record-job.js';
import { PRISMA } from '../tokens.js';

@Injectable()
export class CallRecordRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Idempotent: a job retried after a crash writes the same row again, not a second one. */
  async save(record: CallRecordJob): Promise<void> {
    const data = rowOf(record);
    await this.prisma.callRecord.upsert({
      where: { id: record.id },
      create: { id: record.id, ...data },
      update: data,
    });
  }

  /**
   * Several records in one INSERT; idempotent too (a record is final, so a row already stored by
   * an earlier attempt is kept as it is: ON CONFLICT DO NOTHING).
   */
  async saveMany(records: readonly CallRecordJob[]): Promise<void> {
    await this.prisma.callRecord.createMany({
      data: records.map((r) => ({ id: r.id, ...rowOf(r) })),
      skipDuplicates: true,
    });
  }
}

function rowOf(record: CallRecordJob) {
  return {
    sipCallId: record.sipCallId ?? null,
    pluginId: record.pluginId ?? null,
    callerNumber: record.callerNumber,
    callerName: record.callerName ?? null,
    calleeNumber: record.calleeNumber,
    answeredBy: record.answeredBy ?? null,
    startedAt: new Date(record.startedAt),
    ringingAt: record.ringingAt ? new Date(record.ringingAt) : null,
    answeredAt: record.answeredAt ? new Date(record.answeredAt) : null,
    endedAt: new Date(record.endedAt),
    disposition: record.disposition,
    hangupCause: record.hangupCause ?? null,
    hangupSide: record.hangupSide ?? null,
    direction: record.direction ?? 'internal',
    trunk: record.trunk ?? null,
    externalNumber: record.externalNumber ?? null,
    did: record.did ?? null,
    legs: record.legs,
    transfers: record.transfers ?? [],
  };
}
