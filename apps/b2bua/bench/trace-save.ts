// bench:trace-save — CPU of the per-call SIP trace outside the SIP stack: the recorder (every
// message of a call kept, then the trace handed over) and the batch INSERT into call_traces, in
// batches of 32 as CallTraceService writes them. Each call replays the 24 messages of a real
// forked call (the admin's fixture, 9.7 kB); about 1,000 calls are live at once, as at 300 calls/s
// with the linger. Reports Node CPU µs per message and per trace, and the PostgreSQL backend's.
// BENCH_TRACE_DIST=/work/main/apps/b2bua/dist runs another build's recorder and repository (A/B).
//   DATABASE_URL=... BENCH_CALLS=6000 node dist/bench-build/bench/trace-save.js
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { createPrismaClient, migrate, withDatabase, type PrismaClient } from '@switchboard/db';
import { callTraceSchema, type CallTrace, type TraceEntry } from '@switchboard/sip-trace';
import { cpuMs, dropBenchDatabase, processCpuMs } from './cps-support.js';

// The shapes used of the build under test (its classes are loaded from BENCH_TRACE_DIST).
type TracePacket = Omit<TraceEntry, 't' | 'msg'> & { readonly data: Buffer };
type StoredTrace = { readonly callId: string; readonly trace: CallTrace & { readonly bytes: number } };
interface Recorder {
  begin(callId: string, sipCallId: string): void;
  addLeg(callId: string, sipCallId: string): void;
  record(packet: TracePacket): void;
  finish(callId: string): StoredTrace['trace'] | undefined;
}
type RecorderClass = new (
  limits: { maxCallBytes: number; maxPending: number; pendingMs: number },
  now: () => number,
) => Recorder;
type RepositoryClass = new (prisma: PrismaClient) => {
  saveMany(traces: readonly StoredTrace[]): Promise<void>;
};

const CALLS = Number(process.env.BENCH_CALLS ?? 6000);
const LIVE = 1000;
const BATCH = 32;
const dist = path.resolve(process.env.BENCH_TRACE_DIST ?? 'dist');

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is required');
  const { CallTraceRecorder: Recorder } = (await import(
    path.join(dist, 'calls/trace/call-trace-recorder.js')
  )) as { CallTraceRecorder: RecorderClass };
  const { CallTraceRepository: Repository } = (await import(
    path.join(dist, 'repositories/call-trace.repository.js')
  )) as { CallTraceRepository: RepositoryClass };

  const fixture = path.resolve('../admin/test/fixtures/forked-call-trace.json');
  const trace = callTraceSchema.parse(
    (JSON.parse(fs.readFileSync(fixture, 'utf8')) as { trace: unknown }).trace,
  );
  // The bytes exist anyway (received or sent): made once, reused by every LIVE+1-th call.
  const sets = Array.from({ length: LIVE + 1 }, (_, i) =>
    trace.entries.map((e): TracePacket => ({
      dir: e.dir,
      proto: e.proto,
      local: e.local,
      remote: e.remote,
      data: Buffer.from(e.msg.replaceAll(/Call-ID: [^\r]*/g, (m) => `${m}-${i}`)),
    })),
  );
  const sipCallIds = trace.sipCallIds;

  const name = `switchboard_trace_bench_${crypto.randomBytes(4).toString('hex')}`;
  const url = withDatabase(base, name);
  await migrate(url, { log: () => undefined });
  // One connection: its backend's CPU is the statement's.
  const prisma = createPrismaClient(url, { maxConnections: 1 });
  const repository = new Repository(prisma);
  const [backend] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
  const pid = backend?.pid;

  try {
    for (const round of ['warm-up', 'measured']) {
      let clock = Date.now();
      const recorder = new Recorder(
        { maxCallBytes: 65_536, maxPending: 4096, pendingMs: 32_000 },
        () => (clock += 0.01),
      );
      const finished: StoredTrace[] = [];
      const callId = (n: number) => `${round}-${n}`;
      const recordStart = processCpuMs();
      let messages = 0;
      for (let n = 0; n < CALLS; n++) {
        const set = sets[n % sets.length]!;
        const ids = sipCallIds.map((id) => `${id}-${n % sets.length}`);
        recorder.begin(callId(n), ids[0]!);
        for (const id of ids.slice(1)) recorder.addLeg(callId(n), id);
        for (const p of set) recorder.record(p);
        messages += set.length;
        if (n >= LIVE) {
          const done = recorder.finish(callId(n - LIVE));
          if (done) finished.push({ callId: callId(n - LIVE), trace: done });
        }
      }
      const recordMs = processCpuMs() - recordStart;

      const saveStart = processCpuMs();
      const pgStart = cpuMs(pid);
      for (let i = 0; i < finished.length; i += BATCH)
        await repository.saveMany(finished.slice(i, i + BATCH));
      const saveMs = processCpuMs() - saveStart;
      const pgMs = cpuMs(pid) - pgStart;
      if (round === 'measured') {
        const traces = finished.length;
        const prepared = await prisma.$queryRaw<{ name: string }[]>`SELECT name FROM pg_prepared_statements`;
        console.log(
          `${dist}: ${CALLS} calls x ${trace.entries.length} messages, ${traces} traces saved in batches of ${BATCH}\n` +
            `  record+finish: ${((recordMs * 1000) / messages).toFixed(2)} µs CPU per message (${((recordMs * 1000) / CALLS).toFixed(0)} µs per call)\n` +
            `  saveMany: node ${((saveMs * 1000) / traces).toFixed(0)} µs CPU per trace, PostgreSQL backend ${((pgMs * 1000) / traces).toFixed(0)} µs per trace` +
            ` (named statements on the connection: ${prepared.map((p) => p.name).join(', ') || 'none'})`,
        );
      }
    }
  } finally {
    await prisma.$disconnect();
    await dropBenchDatabase(base, name);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
