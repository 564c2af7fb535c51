// Process, sipp and statistics helpers of bench:cps (cps.ts runs the benchmark).
import { spawn, type ChildProcess } from 'node:child_process';
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createPrismaClient, withDatabase } from '@switchboard/db';
import { SETUP_STAGES } from '../src/calls/call-latency.js';

export const here = path.dirname(fileURLToPath(import.meta.url));
// Compiled to dist/bench-build/bench/cps.js: the app and the scenarios are found from the package root.
export const appDir = path.resolve(here, '../../..');
export const scenarios = path.join(appDir, 'bench/sipp');
export const SIPP = '/usr/bin/sipp';
/** sipp's socket buffers too: the 64 KiB default drops datagrams in bursts on a loaded machine. */
export const SIPP_BUFFER = 4 * 1024 * 1024;

export function need(name: string): string {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set`);
  return v;
}

export async function freeUdpPort(): Promise<number> {
  const s = dgram.createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  const { port } = s.address();
  s.close();
  return port;
}

/** CPU ms (user + system) this process has used so far. */
export function processCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/** Drops a bench's throwaway database `name` on the server of `baseUrl` (its connections are closed). */
export async function dropBenchDatabase(baseUrl: string, name: string): Promise<void> {
  const admin = createPrismaClient(withDatabase(baseUrl, 'postgres'));
  try {
    await admin.$executeRawUnsafe(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
  } finally {
    await admin.$disconnect();
  }
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export interface Role {
  child: ChildProcess;
  ready: Promise<void>;
  /** `call latency` log lines (SIGUSR2 summaries of the signalling role), newest last. */
  latencies: LatencyLine[];
  /** Calls the signalling role ended other than by BYE (cause, call start in Unix ms). */
  abnormal: Abnormal[];
}

export interface Abnormal {
  cause: string;
  startedAt: number;
}

/** Abnormal endings of the calls started in [from, to), as "n× cause" and a count. */
export function abnormalIn(
  list: readonly Abnormal[],
  from: number,
  to: number,
): { count: number; causes: string } {
  const byCause = new Map<string, number>();
  for (const a of list)
    if (a.startedAt >= from && a.startedAt < to) byCause.set(a.cause, (byCause.get(a.cause) ?? 0) + 1);
  const count = [...byCause.values()].reduce((x, y) => x + y, 0);
  return { count, causes: [...byCause].map(([c, n]) => `${n}× ${c}`).join(', ') };
}

export interface LatencyStat {
  count: number;
  p50: number;
  p95: number;
  p99: number;
}
export type LatencyLine = Record<'inviteInToOut' | 'routing' | 'okInToOut', LatencyStat> &
  Partial<Record<(typeof SETUP_STAGES)[number], LatencyStat>> & {
    /** What the signalling process still held when it logged (calls, table indexes, transactions, heap). */
    held?: Record<string, unknown>;
  };

// BENCH_PROFILE_DIR=/some/dir: both roles write a V8 CPU profile there when they stop (node --cpu-prof).
export const PROFILE_DIR = process.env.BENCH_PROFILE_DIR;
export const LOG_DIR = process.env.BENCH_LOG_DIR;

/** The compiled preload next to this file (dist/bench-build/bench/alloc-profile.js). */
const allocProfilePreload = new URL('./alloc-profile.js', import.meta.url).href;

export function startRole(role: string, env: NodeJS.ProcessEnv): Role {
  const profile = PROFILE_DIR ? ['--cpu-prof', `--cpu-prof-dir=${PROFILE_DIR}`] : [];
  // BENCH_NODE_FLAGS="--max-semi-space-size=64": V8 flags for both roles (A/B runs of heap settings).
  // --expose-gc: the signalling role's SIGUSR2 summary runs a full GC first, so its heap figure is
  // what is retained (a leak), not garbage an idle process has not collected yet.
  const flags = ['--expose-gc', ...(process.env.BENCH_NODE_FLAGS ?? '').split(' ').filter(Boolean)];
  // BENCH_ALLOC_PROFILE_DIR=/some/dir: allocation profiles per step (bench/alloc-profile.ts).
  if (process.env.BENCH_ALLOC_PROFILE_DIR) flags.push('--import', allocProfilePreload);
  // BENCH_MAIN=path/to/main.js: run another build of the app (A/B against an older commit).
  const main = process.env.BENCH_MAIN ?? 'dist/main.js';
  const child = spawn(process.execPath, [...flags, ...profile, main, role], {
    cwd: appDir,
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let log = '';
  // BENCH_LOG_DIR=/some/dir: each role's JSON log goes to <dir>/<role>.log (e.g. why calls failed).
  const logFile = LOG_DIR ? fs.createWriteStream(path.join(LOG_DIR, `${role}.log`)) : undefined;
  if (logFile) child.stdout.pipe(logFile);
  const latencies: LatencyLine[] = [];
  const abnormal: Abnormal[] = [];
  let partial = '';
  child.stdout.on('data', (c: Buffer) => {
    const lines = (partial + c.toString()).split('\n');
    partial = lines.pop() ?? '';
    for (const line of lines) {
      if (line.includes('"msg":"call latency"')) {
        const { latency, held } = JSON.parse(line) as {
          latency: LatencyLine;
          held?: Record<string, unknown>;
        };
        latencies.push({ ...latency, ...(held ? { held } : {}) });
      } else if (line.includes('"msg":"call ended"')) {
        // A call the B2BUA ended other than by a BYE (e.g. no ACK from the caller within 64*T1)
        // failed on its side even when sipp counted it as successful.
        const { cause, startedAt } = JSON.parse(line) as { cause?: string; startedAt?: number };
        if (cause !== 'BYE' && cause !== 'shutdown')
          abnormal.push({ cause: cause ?? '?', startedAt: startedAt ?? 0 });
      }
    }
  });
  const ready = new Promise<void>((resolve, reject) => {
    const onData = (c: Buffer): void => {
      if (log.includes('"msg":"ready"')) return; // keep only the start-up in memory
      log += c.toString();
      if (log.includes('"msg":"ready"')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', (c: Buffer) => (log += c.toString()));
    child.on('exit', (code) => reject(new Error(`${role} exited ${code}: ${log.slice(-2000)}`)));
  });
  return { child, ready, latencies, abnormal };
}

export function rssKb(pid: number | undefined): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
}

/**
 * CPU time (user + system, ms) a process has used so far, from /proc/<pid>/stat. CPU per call is
 * steadier than wall-clock figures on a shared machine: waiting for a core costs no CPU time.
 */
export function cpuMs(pid: number | undefined): number {
  const { user, system } = cpuSplitMs(pid);
  return user + system;
}

/** User and system (kernel: socket syscalls, page faults) CPU ms of a process so far. */
export function cpuSplitMs(pid: number | undefined): { user: number; system: number } {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  // utime and stime: fields 14 and 15 of /proc/<pid>/stat, in clock ticks.
  const toMs = (ticks: string | undefined): number => (Number(ticks) * 1000) / CLOCK_TICKS_PER_SECOND;
  return { user: toMs(fields[11]), system: toMs(fields[12]) };
}
const CLOCK_TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** CPU ms used so far by a set of processes (one that ended counts 0). */
export function cpuMsOf(pids: readonly number[]): number {
  let total = 0;
  for (const pid of pids) {
    try {
      total += cpuMs(pid);
    } catch {
      // ended
    }
  }
  return total;
}

/** Processes whose /proc/<pid>/stat and cmdline satisfy `match` (ppid and command line). */
export function procPids(match: (p: { ppid: number; cmdline: string }) => boolean): number[] {
  const out: number[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (match({ ppid, cmdline })) out.push(Number(entry));
    } catch {
      // the process ended while the list was read
    }
  }
  return out;
}

/** sipp arguments of an authenticated call from 100 to 201 (bench/sipp/uac.xml) in `domain`. */
export function callerArgs(domain: string): string[] {
  return [
    ...['-s', '201', '-au', '100', '-ap', 'pw-100', '-auth_uri', `201@${domain}`],
    ...['-key', 'domain', domain, '-key', 'caller', '100'],
  ];
}

export interface SippRun {
  child: ChildProcess;
  done: Promise<{ code: number | null; out: string }>;
}

export function startSippUac(target: string, args: string[], cwd: string): SippRun {
  return startSipp(target, ['-sf', path.join(scenarios, 'uac.xml'), ...args], cwd);
}

/** sipp against `target` on loopback with 4 MiB socket buffers; `args` name the scenario (-sf). */
export function startSipp(target: string, args: string[], cwd: string): SippRun {
  const child = spawn(
    SIPP,
    [target, '-nostdin', '-i', '127.0.0.1', '-buff_size', String(SIPP_BUFFER), ...args],
    {
      cwd,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  child.stderr.on('data', (c: Buffer) => (out += c.toString()));
  const done = new Promise<{ code: number | null; out: string }>((resolve) =>
    child.on('exit', (code) => resolve({ code, out })),
  );
  return { child, done };
}

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? NaN;
}

/** Response times (ms) of every rtd from sipp's -trace_rtt CSV files in `dir`, all rtds together, sorted. */
export function readRtts(dir: string): number[] {
  return [...readRttsByRtd(dir).values()].flat().sort((a, b) => a - b);
}

/** Response times (ms) per rtd name from sipp's -trace_rtt CSV files in `dir` (read once: removed), sorted. */
export function readRttsByRtd(dir: string): Map<string, number[]> {
  const byRtd = new Map<string, number[]>();
  for (const f of fs.readdirSync(dir).filter((n) => n.endsWith('_rtt.csv'))) {
    for (const line of fs.readFileSync(path.join(dir, f), 'utf8').split('\n').slice(1)) {
      const cols = line.split(';'); // Date_ms;response_time_ms;rtd_no
      const v = Number(cols[1]);
      const rtd = cols[2]?.trim();
      if (rtd === undefined || rtd === '' || !Number.isFinite(v)) continue;
      const list = byRtd.get(rtd) ?? [];
      list.push(v);
      byRtd.set(rtd, list);
    }
    fs.rmSync(path.join(dir, f));
  }
  for (const list of byRtd.values()) list.sort((a, b) => a - b);
  return byRtd;
}

export interface Row {
  rate: number;
  calls: number;
  ok: boolean;
  failed: number;
  p50: number;
  p95: number;
  p99: number;
  b2bua: LatencyLine | undefined;
  window: { from: number; to: number };
  /** Calls the B2BUA ended abnormally (not by BYE), and why. */
  b2buaFailed: number;
  b2buaCauses: string;
  /** CPU ms per call of each role from the rate's start until its calls ended (+3 s drain). */
  cpu: { signalling: number; worker: number; redis: number; postgres: number };
  /** Redis commands per call (INFO commandstats over the step, both roles). */
  redisCommands: number;
  /** The load averages when the step started (`loadAverage`). */
  load: string;
  /** CPU ms per call of the two roles less their idle rate over the step (absent: not measured). */
  net?: { signalling: number; worker: number };
}

/** CPU ms so far of each process, to subtract later (processes may come and go in between). */
export function cpuSnapshot(pids: readonly number[]): Map<number, number> {
  return new Map(pids.map((pid) => [pid, cpuMsOf([pid])]));
}

/** CPU ms the processes `pidsNow` used since `before` (a process new since then counts in full). */
export function cpuSince(before: Map<number, number>, pidsNow: readonly number[]): number {
  return pidsNow.reduce((sum, pid) => sum + cpuMsOf([pid]) - (before.get(pid) ?? 0), 0);
}

/**
 * One step of the load: `rate` calls/s for `seconds` (sipp UAC, uac.xml), its exit and setup times.
 * `calls`: how many in all (default `rate * seconds`).
 */
export async function runRate(
  target: string,
  common: readonly string[],
  rate: number,
  seconds: number,
  work: string,
  calls = rate * seconds,
): Promise<{ code: number | null; out: string; failed: number; rtts: number[]; errorFile: string }> {
  const errorFile = path.join(work, `errors-${rate}-${Date.now()}.log`);
  const r = await startSippUac(
    target,
    [
      ...common,
      ...['-p', String(await freeUdpPort()), '-r', String(rate), '-m', String(calls)],
      // Enough concurrent calls that sipp never throttles the rate while setup is slow.
      ...['-l', String(rate * 12), '-d', '500', '-timeout', `${seconds + 30}s`],
      ...['-trace_err', '-error_file', errorFile, '-trace_rtt', '-rtt_freq', '1', '-max_socket', '4096'],
    ],
    work,
  ).done;
  const failed = Number(/Failed call\s+\|\s+\d+\s+\|\s+(\d+)/.exec(r.out)?.[1] ?? NaN);
  return { ...r, failed, rtts: readRtts(work), errorFile };
}

/**
 * The machine's 1, 5 and 15 minute load averages ("1.20 0.95 0.80"): on a shared machine CPU per
 * call moves with the load, so each step says what it ran next to.
 */
export function loadAverage(): string {
  return os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ');
}

/** Asks the signalling role for its latency summary since the last one (SIGUSR2, logged). */
export async function latencySummary(role: Role): Promise<LatencyLine | undefined> {
  const before = role.latencies.length;
  role.child.kill('SIGUSR2');
  for (let i = 0; i < 50 && role.latencies.length === before; i++) await sleep(100);
  return role.latencies[before];
}

export const fmt = (s: LatencyStat | undefined): string =>
  s && s.count > 0 ? `${s.p50.toFixed(1)} / ${s.p95.toFixed(1)}` : '-';

/** The setup stages of one step, p50 / p95 each ("auth 0.4 / 1.2, toRouting …"). */
export const fmtStages = (line: LatencyLine | undefined): string =>
  SETUP_STAGES.map((stage) => `${stage} ${fmt(line?.[stage])}`).join(', ');

/** Redis's per-command call counts so far (INFO commandstats). */
export async function redisCommandCounts(redis: {
  info(section: string): Promise<string>;
}): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  for (const m of (await redis.info('commandstats')).matchAll(/^cmdstat_([^:]+):calls=(\d+)/gm))
    out.set(m[1] ?? '?', Number(m[2]));
  return out;
}

/** Commands per call since `before`: the total and the most frequent ("evalsha 4.0, hgetall 3.1, …"). */
export function commandsPerCall(
  before: Map<string, number>,
  after: Map<string, number>,
  calls: number,
): { total: number; top: string } {
  const diff = [...after]
    .map(([cmd, n]) => [cmd, (n - (before.get(cmd) ?? 0)) / calls] as const)
    .filter(([, n]) => n > 0)
    .sort((a, b) => b[1] - a[1]);
  const total = diff.reduce((sum, [, n]) => sum + n, 0);
  return { total, top: diff.map(([cmd, n]) => `${cmd} ${n.toFixed(1)}`).join(', ') };
}
