// bench:trunk-reads — CPU of the two PostgreSQL reads of a trunk call in the signalling role (the
// trunk by name with its password opened, the caller's outside-call limit), as Prisma queries (how
// they were read before issue #21's pass) and as the build's reads (trunk-leg-deps.ts: prepared
// statements on the pg pool). One call's reads at a time by default, as trunk calls come apart in
// the signalling role (300 calls/s: ~3 ms apart); BENCH_CONCURRENCY=32 overlaps them, where Prisma
// merges the findUniques of one tick into one query (its node CPU per call falls ~5x, PostgreSQL's
// below the prepared statements'). The two variants alternate in rounds after a warm-up. Reports
// node's CPU µs per call (both reads, event-loop turns included) and the PostgreSQL backend's.
// The build's ExtensionRepository is loaded from BENCH_DIST (default: dist).
//   DATABASE_URL=... BENCH_LOOKUPS=2000 node dist/bench-build/bench/trunk-reads.js
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  createPrismaClient,
  migrate,
  sealTrunkPassword,
  SecretBox,
  TRUNK_PASSWORD_CONTEXT,
  TrunkReader,
  withDatabase,
  type PrismaClient,
} from '@switchboard/db';
import { cpuMs, dropBenchDatabase, processCpuMs } from './cps-support.js';

const LOOKUPS = Number(process.env.BENCH_LOOKUPS ?? 2000);
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 1);
const ROUNDS = 3;
const dist = path.resolve(process.env.BENCH_DIST ?? 'dist');

type ExtensionRepositoryClass = new (prisma: PrismaClient) => {
  maxExternalCalls(number: string): Promise<number>;
};

async function main(): Promise<void> {
  const base = process.env.DATABASE_URL;
  if (!base) throw new Error('DATABASE_URL is required');
  const { ExtensionRepository } = (await import(path.join(dist, 'repositories/extension.repository.js'))) as {
    ExtensionRepository: ExtensionRepositoryClass;
  };
  const name = `switchboard_trunk_bench_${crypto.randomBytes(4).toString('hex')}`;
  const url = withDatabase(base, name);
  await migrate(url, { log: () => undefined });
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'trunk-reads-'));
  // One connection: its backend's CPU is the statements'.
  const prisma = createPrismaClient(url, { maxConnections: 1 });
  const box = SecretBox.fromDataDir(dataDir);
  try {
    await prisma.trunk.create({
      data: {
        name: 'carrier',
        host: 'sip.carrier.example',
        authUsername: '4930123',
        passwordEncrypted: sealTrunkPassword(box, 'provider-pw'),
        codecs: ['PCMA', 'PCMU'],
        maxConcurrentCalls: 30,
      },
    });
    await prisma.extension.create({ data: { number: '201', displayName: 'Ext 201', maxExternalCalls: 3 } });
    const [backend] = await prisma.$queryRaw<{ pid: number }[]>`SELECT pg_backend_pid() AS pid`;
    const pid = backend?.pid;

    // Before: the queries trunk-leg-deps.ts made through Prisma (TrunkReader.findByName was a findUnique).
    const viaPrisma = async (): Promise<number> => {
      const row = await prisma.trunk.findUnique({ where: { name: 'carrier' } });
      if (row?.passwordEncrypted) box.decrypt(row.passwordEncrypted, TRUNK_PASSWORD_CONTEXT);
      const ext = await prisma.extension.findUnique({
        where: { number: '201' },
        select: { maxExternalCalls: true },
      });
      return ext?.maxExternalCalls ?? 0;
    };
    // After: this build's reads, as createTrunkLegDeps makes them.
    const reader = new TrunkReader(prisma, box);
    const extensions = new ExtensionRepository(prisma);
    const prepared = async (): Promise<number> => {
      await reader.findByName('carrier');
      return extensions.maxExternalCalls('201');
    };

    const run = async (lookup: () => Promise<number>, n: number): Promise<{ node: number; pg: number }> => {
      const node0 = processCpuMs();
      const pg0 = cpuMs(pid);
      let next = 0;
      const worker = async (): Promise<void> => {
        while (next < n) {
          next += 1;
          if ((await lookup()) !== 3) throw new Error('wrong answer');
        }
      };
      await Promise.all(Array.from({ length: CONCURRENCY }, worker));
      return { node: ((processCpuMs() - node0) * 1000) / n, pg: ((cpuMs(pid) - pg0) * 1000) / n };
    };

    await run(viaPrisma, 1000);
    await run(prepared, 1000);
    const results: Record<string, { node: number[]; pg: number[] }> = {
      prisma: { node: [], pg: [] },
      prepared: { node: [], pg: [] },
    };
    for (let r = 0; r < ROUNDS; r++) {
      for (const [label, lookup] of [
        ['prisma', viaPrisma],
        ['prepared', prepared],
      ] as const) {
        const { node, pg } = await run(lookup, LOOKUPS);
        results[label]!.node.push(node);
        results[label]!.pg.push(pg);
      }
    }
    const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
    console.log(
      `${LOOKUPS} trunk-call reads (trunk by name + outside-call limit) x ${ROUNDS} rounds, ${CONCURRENCY} in flight; load ${os
        .loadavg()
        .map((l) => l.toFixed(2))
        .join(' ')}`,
    );
    for (const [label, { node, pg }] of Object.entries(results)) {
      console.log(
        `  ${label.padEnd(8)} node ${median(node).toFixed(0)} µs CPU per call (rounds ${node.map((x) => x.toFixed(0)).join(', ')}),` +
          ` PostgreSQL backend ${median(pg).toFixed(0)} µs per call`,
      );
    }
  } finally {
    await prisma.$disconnect();
    fs.rmSync(dataDir, { recursive: true, force: true });
    await dropBenchDatabase(base, name);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
