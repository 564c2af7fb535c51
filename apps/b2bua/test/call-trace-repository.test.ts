import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { callTraceSchema } from '@switchboard/sip-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallTraceRecorder, type TracePacket } from '../src/calls/trace/call-trace-recorder.js';
import { CallTraceRepository, type StoredTrace } from '../src/repositories/call-trace.repository.js';
import { createTestDatabase } from './support/test-env.js';

/**
 * Issue #21: the trace batch INSERT runs as a prepared statement on the pg pool instead of through
 * Prisma's `$executeRaw`. The rows it writes must be the ones the old statement wrote (the admin's
 * ladder, text and pcap read them), compared here against that statement on real PostgreSQL.
 */
let db: { url: string; drop: () => Promise<void> };
let prisma: PrismaClient;

beforeAll(async () => {
  db = await createTestDatabase();
  prisma = createPrismaClient(db.url);
}, 60_000);

afterAll(async () => {
  await prisma?.$disconnect();
  await db?.drop();
});

/** The statement as it was before (through Prisma's query compiler), for comparison. */
async function saveManyThroughPrisma(traces: readonly StoredTrace[]): Promise<void> {
  const rows = JSON.stringify(
    traces.map(({ callId, trace }) => ({
      call_id: callId,
      sip_call_ids: trace.sipCallIds,
      entries: trace.entries,
      dropped: trace.dropped,
      size_bytes: trace.bytes,
    })),
  );
  await prisma.$executeRaw`
    INSERT INTO call_traces (call_id, sip_call_ids, entries, dropped, size_bytes)
    SELECT r.call_id, r.sip_call_ids, r.entries, r.dropped, r.size_bytes
    FROM jsonb_to_recordset(${rows}::jsonb)
      AS r(call_id varchar, sip_call_ids text[], entries jsonb, dropped int, size_bytes int)
    ON CONFLICT (call_id) DO NOTHING`;
}

const PBX = { host: '192.0.2.1', port: 5060 };
const PHONE = { host: '2001:db8::7', port: 5062 };

function packet(dir: 'in' | 'out', text: string): TracePacket {
  return { dir, proto: dir === 'in' ? 'UDP' : 'TCP', local: PBX, remote: PHONE, data: Buffer.from(text) };
}

/** Messages with what JSON and SQL must carry unchanged: quotes, backslashes, non-ASCII, SDES keys. */
function callMessages(sipCallId: string): TracePacket[] {
  const sdp =
    'v=0\r\no=- 1 1 IN IP4 192.0.2.7\r\ns=-\r\nc=IN IP4 192.0.2.7\r\nt=0 0\r\n' +
    'm=audio 4000 RTP/SAVP 0\r\na=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20|1:32\r\n';
  const head = (start: string, extra = '') =>
    `${start}\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-1\r\nFrom: "Jürgen \\"J\\" O'Brien" <sip:100@pbx>;tag=a\r\n` +
    `To: <sip:202@pbx>\r\nCall-ID: ${sipCallId}\r\nCSeq: 1 INVITE\r\n${extra}`;
  return [
    packet('in', `${head('INVITE sip:202@pbx SIP/2.0', `Content-Length: ${sdp.length}\r\n`)}\r\n${sdp}`),
    packet('out', `${head('SIP/2.0 100 Trying', 'Content-Length: 0\r\n')}\r\n`),
    packet('out', `${head('SIP/2.0 200 OK', 'Content-Length: 0\r\n')}\r\n`),
  ];
}

/** Three finished traces as the recorder hands them over (one with a full buffer: `dropped`). */
function finishedTraces(suffix: string): StoredTrace[] {
  let now = 1_796_584_094_929.67;
  const recorder = new CallTraceRecorder(
    { maxCallBytes: 1_400, maxPending: 8, pendingMs: 32_000 },
    () => (now += 0.123),
  );
  return ['a', 'b', 'c'].map((name) => {
    const callId = `call-${name}-${suffix}`;
    recorder.begin(callId, `${name}@caller`);
    recorder.addLeg(callId, `${name}@leg`);
    for (const p of callMessages(`${name}@caller`)) recorder.record(p);
    for (const p of callMessages(`${name}@leg`).slice(0, name === 'c' ? 3 : 1)) recorder.record(p);
    const trace = recorder.finish(callId);
    if (!trace) throw new Error(`no trace for ${callId}`);
    return { callId, trace };
  });
}

const stored = (callId: string) => prisma.callTrace.findUniqueOrThrow({ where: { callId } });

describe('CallTraceRepository.saveMany (prepared statement on the pg pool)', () => {
  it('writes the rows the Prisma statement wrote, and what the admin reads back is the recorded trace', async () => {
    const ours = finishedTraces('new');
    const before = finishedTraces('old');
    expect(ours.some((s) => s.trace.dropped > 0)).toBe(true);
    await new CallTraceRepository(prisma).saveMany(ours);
    await saveManyThroughPrisma(before);

    for (const [i, { callId, trace }] of ours.entries()) {
      const row = await stored(callId);
      const old = await stored(before[i]!.callId);
      expect({ ...row, callId: '', createdAt: null }).toEqual({ ...old, callId: '', createdAt: null });
      // As the admin reads it (call-detail.service): the schema's trace, equal to what was recorded.
      const read = callTraceSchema.parse({ ...row, entries: row.entries });
      expect(read).toEqual({ sipCallIds: trace.sipCallIds, entries: trace.entries, dropped: trace.dropped });
      expect(row.sizeBytes).toBe(trace.bytes);
      expect(JSON.stringify(read.entries)).not.toContain('PS1uQCVeeCFCanVmcjkp');
    }
    // The stored documents are equal as jsonb too (key order, numbers, strings).
    const [same] = await prisma.$queryRaw<{ n: bigint }[]>`
      SELECT count(*) AS n FROM call_traces a JOIN call_traces b
        ON b.call_id = replace(a.call_id, '-new', '-old')
      WHERE a.call_id LIKE '%-new' AND a.entries = b.entries AND a.sip_call_ids = b.sip_call_ids`;
    expect(same?.n).toBe(3n);
  });

  it('a trace written before (a retried batch) is kept as it is; the others of the batch are written', async () => {
    const repository = new CallTraceRepository(prisma);
    const [first, second] = finishedTraces('retry');
    await repository.saveMany([first!]);
    const retried = { ...first!, trace: { ...first!.trace, dropped: 99 } };
    await repository.saveMany([retried, second!]);
    expect((await stored(first!.callId)).dropped).toBe(first!.trace.dropped);
    expect((await stored(second!.callId)).sipCallIds).toEqual(second!.trace.sipCallIds);
  });
});
