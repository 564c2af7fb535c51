import { Inject, Injectable } from '@nestjs/common';
import { preparedSqlOf, type PreparedSql, type PrismaClient } from '@switchboard/db';
import type { FinishedTrace } from '../calls/trace/call-trace-recorder.js';
import { nulToStandIn, traceHasNul } from '../calls/trace/jsonb-nul.js';
import { PRISMA } from '../tokens.js';

/** A finished call's trace as stored: the call record's id and what the recorder captured. */
export interface StoredTrace {
  readonly callId: string;
  readonly trace: FinishedTrace;
}

/**
 * The batch INSERT: the traces go as one JSON array expanded by PostgreSQL; a trace written before
 * (a retry) is kept as it is. `jsonb`, not `json` (unlike the call records' INSERT): nearly all of
 * the text is the entries, stored as jsonb, and `json_to_recordset` would parse them twice (to
 * split the rows, then into jsonb): PostgreSQL's CPU per trace ~300-440 us against ~230-320 us.
 */
const INSERT_BATCH = `
  INSERT INTO call_traces (call_id, sip_call_ids, entries, dropped, size_bytes)
  SELECT r.call_id, r.sip_call_ids, r.entries, r.dropped, r.size_bytes
  FROM jsonb_to_recordset($1::jsonb)
    AS r(call_id varchar, sip_call_ids text[], entries jsonb, dropped int, size_bytes int)
  ON CONFLICT (call_id) DO NOTHING`;

@Injectable()
export class CallTraceRepository {
  private readonly sql: PreparedSql;

  constructor(@Inject(PRISMA) private readonly prisma: PrismaClient) {
    this.sql = preparedSqlOf(prisma);
  }

  /**
   * Several traces in one prepared INSERT on the pg pool, not through Prisma: `$executeRaw` sent
   * the batch's JSON text (~0.3-0.5 MB for 32 calls) through Prisma 7's query compiler, which
   * serialized it once more (bench:cps at 300 calls/s: Prisma's client ~3-4 % of the signalling
   * role's CPU, nearly all of it this statement). The rows are built in one `JSON.stringify`.
   */
  async saveMany(traces: readonly StoredTrace[]): Promise<void> {
    await this.sql.query('call_traces_insert_batch', INSERT_BATCH, [batchJson(traces)]);
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

/**
 * The rows as INSERT_BATCH reads them (its column names). A NUL in a message goes in as "␀"
 * (jsonb-nul.ts): it failed its trace's INSERT, and its batch's (then 32 INSERTs, one per trace).
 */
function batchJson(traces: readonly StoredTrace[]): string {
  const rows = traces.map(({ callId, trace }) => ({
    call_id: callId,
    sip_call_ids: trace.sipCallIds,
    entries: trace.entries,
    dropped: trace.dropped,
    size_bytes: trace.bytes,
  }));
  return JSON.stringify(rows, traces.some((s) => traceHasNul(s.trace)) ? nulToStandIn : undefined);
}
