import { Inject, Injectable } from '@nestjs/common';
import type { PrismaClient } from '@switchboard/db';
import type { FinishedTrace } from '../calls/trace/call-trace-recorder.js';
import { PRISMA } from '../tokens.js';

/** A finished call's trace as stored: the call record's id and what the recorder captured. */
export interface StoredTrace {
  readonly callId: string;
  readonly trace: FinishedTrace;
}

@Injectable()
export class CallTraceRepository {
  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {}

  /** Several traces in one INSERT; a trace written before (a retry) is kept as it is. */
  async saveMany(traces: readonly StoredTrace[]): Promise<void> {
    await this.prisma.callTrace.createMany({
      data: traces.map(({ callId, trace }) => ({
        callId,
        sipCallIds: trace.sipCallIds,
        entries: trace.entries,
        dropped: trace.dropped,
        sizeBytes: trace.bytes,
      })),
      skipDuplicates: true,
    });
  }

  /**
   * Retention, then the total size cap: traces older than `retentionDays` go, then the oldest
   * beyond `maxTotalBytes` (newest kept first). Returns how many rows were removed.
   */
  async prune(retentionDays: number, maxTotalBytes: number): Promise<number> {
    const old = await this.prisma.$executeRaw`
      DELETE FROM call_traces WHERE created_at < now() - make_interval(days => ${retentionDays}::int)`;
    const over = await this.prisma.$executeRaw`
      DELETE FROM call_traces WHERE call_id IN (
        SELECT call_id FROM (
          SELECT call_id, SUM(size_bytes) OVER (ORDER BY created_at DESC, call_id) AS running
          FROM call_traces
        ) ranked WHERE running > ${maxTotalBytes}::bigint
      )`;
    return old + over;
  }
}
