// The PBX of the benchmarks: a throwaway database with extensions 100 and 201, the signalling and
// worker roles as child processes (node --expose-gc dist/main.js, like production), and a sipp UAS
// bound as the only contact of 201. Used by bench:cps and bench:memory.
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { computeDigestCredentials, createPrismaClient, migrate, withDatabase } from '@switchboard/db';
import { redisKeys } from '@switchboard/live-state';
import { Redis } from 'ioredis';
import {
  scenarios,
  SIPP,
  SIPP_BUFFER,
  need,
  freeUdpPort,
  sleep,
  startRole,
  callerArgs,
  dropBenchDatabase,
  type Role,
} from './cps-support.js';

export interface BenchPbx {
  readonly signalling: Role;
  readonly worker: Role;
  readonly redis: Redis;
  /** A scratch directory for sipp's files. */
  readonly work: string;
  /** host:port of the signalling role's UDP listener. */
  readonly target: string;
  /** sipp arguments of an authenticated call from 100 to 201 (bench/sipp/uac.xml). */
  readonly callerArgs: readonly string[];
  /** The throwaway database (its PostgreSQL backends are counted in CPU per call). */
  readonly dbName: string;
  stop(): Promise<void>;
}

export async function startBenchPbx(extraEnv: NodeJS.ProcessEnv = {}): Promise<BenchPbx> {
  if (!fs.existsSync(SIPP)) throw new Error('sipp not found (Debian package sip-tester)');
  const base = need('DATABASE_URL');
  const redisUrl = need('REDIS_URL');
  const dbName = `switchboard_bench_${crypto.randomBytes(4).toString('hex')}`;
  const dbUrl = withDatabase(base, dbName);
  await migrate(dbUrl, { log: () => undefined });
  const domain = 'bench.test';
  const prisma = createPrismaClient(dbUrl);
  for (const number of ['100', '201']) {
    await prisma.extension.create({
      data: {
        number,
        displayName: `Ext ${number}`,
        maxConcurrentCalls: 0,
        ...computeDigestCredentials(number, domain, `pw-${number}`),
      },
    });
  }
  const sipPort = await freeUdpPort();
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    DATABASE_URL: dbUrl,
    REDIS_URL: redisUrl,
    SWITCHBOARD_SIP_DOMAIN: domain,
    SWITCHBOARD_SIP_BIND_ADDRESS: '127.0.0.1',
    SWITCHBOARD_SIP_UDP_PORT: String(sipPort),
    SWITCHBOARD_SIP_TCP_PORT: '0',
    SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256',
    SWITCHBOARD_QUEUE_PREFIX: `bench-${crypto.randomBytes(4).toString('hex')}`,
    SWITCHBOARD_AUTH_MAX_FAILURES: '10000',
    SWITCHBOARD_LOG_LEVEL: 'info',
    // Directory lookups of the plugin chain reused for 1 s (off by default; see the README).
    SWITCHBOARD_ROUTING_CACHE_MS: process.env.SWITCHBOARD_ROUTING_CACHE_MS ?? '1000',
    ...extraEnv,
  };
  const worker = startRole('worker', env);
  const signalling = startRole('signalling', env);
  await Promise.all([worker.ready, signalling.ready]);
  const redis = new Redis(redisUrl);
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-'));
  const uasPort = await freeUdpPort();
  const uas = startUas(uasPort, work);
  const aor = `sip:201@${domain}`;
  const contact = `sip:201@127.0.0.1:${uasPort}`;
  await redis.hset(
    redisKeys.registration(aor),
    contact,
    JSON.stringify({
      aor,
      contact,
      expiresAt: Date.now() + 3_600_000,
      sourceAddress: `127.0.0.1:${uasPort}`,
      transport: 'UDP',
    }),
  );
  const stop = async (): Promise<void> => {
    const uasErrors = path.join(work, 'uas-errors.log');
    if (fs.existsSync(uasErrors) && fs.statSync(uasErrors).size > 0)
      console.log(`callee (sipp UAS) errors:\n${fs.readFileSync(uasErrors, 'utf8').slice(0, 3000)}`);
    uas.kill('SIGKILL');
    signalling.child.kill('SIGTERM');
    worker.child.kill('SIGTERM');
    await redis.del(redisKeys.registration(aor));
    redis.disconnect();
    await prisma.$disconnect();
    await sleep(1000);
    await dropBenchDatabase(base, dbName).catch(() => undefined);
    fs.rmSync(work, { recursive: true, force: true });
  };
  return {
    signalling,
    worker,
    redis,
    work,
    target: `127.0.0.1:${sipPort}`,
    callerArgs: callerArgs(domain),
    dbName,
    stop,
  };
}

/** The callee: a sipp UAS that answers every call (no call limit: it must never refuse under load). */
function startUas(port: number, work: string): ChildProcess {
  return spawn(
    SIPP,
    [
      ...['-sf', path.join(scenarios, 'uas.xml'), '-nostdin', '-i', '127.0.0.1', '-p', String(port)],
      ...['-l', '100000', '-max_socket', '4096', '-buff_size', String(SIPP_BUFFER)],
      ...['-trace_err', '-error_file', path.join(work, 'uas-errors.log')],
    ],
    { cwd: work, stdio: 'ignore' },
  );
}
