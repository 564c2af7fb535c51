import type { Logger } from '@switchboard/config';
import { createPrismaClient, type PrismaClient } from '@switchboard/db';
import { callTraceSchema, ladderOf, traceText } from '@switchboard/sip-trace';
import {
  DEFAULT_TIMERS,
  FakeClock,
  type Endpoint,
  type PacketHandler,
  type Transport,
} from '@switchboard/transactions';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { CallTraceService, TRACE_LINGER_MS } from '../src/calls/trace/call-trace.service.js';
import { CallTraceRepository } from '../src/repositories/call-trace.repository.js';
import { createTestDatabase, testConfig } from './support/test-env.js';

/**
 * Issue #21: a SIP message with a NUL byte (binary body, UDP garbage) in a call's trace. jsonb
 * refuses `\u0000`, so before the fix that trace's INSERT failed: its batch of 32 failed, the
 * WriteBatcher wrote the 32 again one by one, and only that call's trace was lost (logged). Now
 * it is stored with U+2400 in place of the NUL, and an INSERT that fails for one trace of a batch
 * still loses none of the others. Through CallTraceService and its batcher, on real PostgreSQL.
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

const PBX: Endpoint = { host: '192.0.2.1', port: 5060 };
const PHONE: Endpoint = { host: '192.0.2.7', port: 5062 };

/** The SIP transport under the tracing wrapper: packets are handed in by the test, sends go nowhere. */
class LoopTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly timers = DEFAULT_TIMERS;
  handler: PacketHandler | undefined;
  address(): Endpoint {
    return PBX;
  }
  listen(): Promise<void> {
    return Promise.resolve();
  }
  send(): Promise<void> {
    return Promise.resolve();
  }
  onPacket(handler: PacketHandler): void {
    this.handler = handler;
  }
  close(): Promise<void> {
    return Promise.resolve();
  }
}

function invite(sipCallId: string, body: Buffer): Buffer {
  const head =
    `INVITE sip:202@pbx SIP/2.0\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-${sipCallId}\r\n` +
    `From: <sip:100@pbx>;tag=a\r\nTo: <sip:202@pbx>\r\nCall-ID: ${sipCallId}\r\nCSeq: 1 INVITE\r\n` +
    `Content-Type: application/octet-stream\r\nContent-Length: ${body.length}\r\n\r\n`;
  return Buffer.concat([Buffer.from(head), body]);
}

function ok(sipCallId: string): Buffer {
  return Buffer.from(
    `SIP/2.0 200 OK\r\nVia: SIP/2.0/UDP 192.0.2.7;branch=z9hG4bK-${sipCallId}\r\n` +
      `From: <sip:100@pbx>;tag=a\r\nTo: <sip:202@pbx>;tag=b\r\nCall-ID: ${sipCallId}\r\nCSeq: 1 INVITE\r\n` +
      `Content-Length: 0\r\n\r\n`,
  );
}

interface Harness {
  readonly service: CallTraceService;
  readonly clock: FakeClock;
  readonly errors: { call?: string }[];
  /** One call: its INVITE in (with `body`), a 200 OK out, ended and stored after the linger. */
  call(callId: string, body: Buffer): Promise<void>;
  /** Resolves when every stored trace's write has settled. */
  settled(): Promise<void>;
}

function harness(repository: CallTraceRepository): Harness {
  const errors: { call?: string }[] = [];
  const logger = {
    error: (obj: { call?: string }) => errors.push(obj),
    warn: () => undefined,
    info: () => undefined,
  } as unknown as Logger;
  const clock = new FakeClock();
  const service = new CallTraceService(testConfig(db.url), logger, clock, repository);
  const inner = new LoopTransport();
  const transport = service.wrap(inner);
  transport.onPacket(() => undefined);
  return {
    service,
    clock,
    errors,
    call: async (callId, body) => {
      const sipCallId = `${callId}@phone`;
      inner.handler?.({ data: invite(sipCallId, body), source: PHONE, flowId: undefined, transport: inner });
      service.begin(callId, sipCallId);
      await transport.send(PHONE, ok(sipCallId));
      service.ended(callId);
    },
    settled: () => vi.waitFor(() => expect(service.sizes.queued).toBe(0), { timeout: 10_000 }),
  };
}

/** 32 calls, the batcher's batch size: they go to PostgreSQL as one INSERT. */
const BATCH = 32;

describe('SIP trace of a message with a NUL byte', () => {
  it('is stored with U+2400 in place of the NUL, readable as the admin reads it; its batch-mates are stored', async () => {
    const repository = new CallTraceRepository(prisma);
    const saveMany = vi.spyOn(repository, 'saveMany');
    const h = harness(repository);
    const ids = Array.from({ length: BATCH }, (_, i) => `nul-${i}`);
    for (const id of ids) {
      await h.call(id, id === 'nul-5' ? Buffer.from([0x61, 0x00, 0x62, 0xff, 0xfe]) : Buffer.from('ab'));
    }
    h.clock.advance(TRACE_LINGER_MS);
    await h.settled();

    expect(h.errors).toEqual([]);
    // One INSERT for the whole batch: nothing failed, nothing was retried alone.
    expect(saveMany).toHaveBeenCalledTimes(1);
    const rows = await prisma.callTrace.findMany({ where: { callId: { startsWith: 'nul-' } } });
    expect(rows.map((r) => r.callId).sort()).toEqual([...ids].sort());

    const row = rows.find((r) => r.callId === 'nul-5')!;
    const trace = callTraceSchema.parse({ sipCallIds: row.sipCallIds, entries: row.entries, dropped: 0 });
    const [inviteEntry, okEntry] = trace.entries;
    // The NUL shows as "␀"; the bytes that are not UTF-8 as U+FFFD (Buffer#toString), never a lone surrogate.
    expect(inviteEntry?.msg.endsWith('\r\n\r\na\u2400b\ufffd\ufffd')).toBe(true);
    expect(okEntry?.msg).toBe(ok('nul-5@phone').toString());
    // The admin's views of it (call-detail.service: ladder, text).
    expect(ladderOf(trace).arrows).toHaveLength(2);
    expect(traceText(trace, 'call nul-5')).toContain('a\u2400b');
  });

  it('an INSERT that fails for one trace loses none of the other traces of its batch', async () => {
    const repository = new CallTraceRepository(prisma);
    const saveMany = vi.spyOn(repository, 'saveMany');
    const h = harness(repository);
    // call_traces.call_id is varchar(255): this trace's row cannot be written.
    const tooLong = `long-${'x'.repeat(300)}`;
    const ids = Array.from({ length: BATCH }, (_, i) => (i === 9 ? tooLong : `mate-${i}`));
    for (const id of ids) await h.call(id, Buffer.from('ab'));
    h.clock.advance(TRACE_LINGER_MS);
    await h.settled();

    // The batch failed, each trace was written again alone: only the bad one is lost, and logged.
    expect(saveMany).toHaveBeenCalledTimes(1 + BATCH);
    expect(h.errors).toEqual([expect.objectContaining({ call: tooLong })]);
    const rows = await prisma.callTrace.findMany({ where: { callId: { startsWith: 'mate-' } } });
    expect(rows).toHaveLength(BATCH - 1);
  });
});
