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

  /**
   * Several traces in one INSERT; a trace written before (a retry) is kept as it is. The batch goes
   * as one JSON text expanded by PostgreSQL (`jsonb_to_recordset`): Prisma's `createMany` walked
   * every entry of every trace to build its query (`nestArgument`, ~2 % of the signalling role's
   * CPU at 100 calls/s with its garbage), here it is one `JSON.stringify`.
   */
  async saveMany(traces: readonly StoredTrace[]): Promise<void> {
    const rows = JSON.stringify(
      traces.map(({ callId, trace }) => ({
        call_id: callId,
        sip_call_ids: trace.sipCallIds,
        entries: trace.entries,
        dropped: trace.dropped,
        size_bytes: trace.bytes,
      })),
    );
    await this.prisma.$executeRaw`
      INSERT INTO call_traces (call_id, sip_call_ids, entries, dropped, size_bytes)
      SELECT r.call_id, r.sip_call_ids, r.entries, r.dropped, r.size_bytes
      FROM jsonb_to_recordset(${rows}::jsonb)
        AS r(call_id varchar, sip_call_ids text[], entries jsonb, dropped int, size_bytes int)
      ON CONFLICT (call_id) DO NOTHING`;
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
