import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const SIPP = process.env.SIPP_BIN ?? 'sipp';

/** Fails (never skips) when sipp is missing: CI installs it (Debian package sip-tester). */
export function requireSipp(): void {
  const probe = spawnSync(SIPP, ['-v'], { encoding: 'utf8' });
  if (probe.error || !`${probe.stdout}${probe.stderr}`.includes('SIPp')) {
    throw new Error(
      `sipp is required for the integration tests but "${SIPP}" could not be run ` +
        `(${probe.error?.message ?? 'no SIPp banner'}); install it with: apt-get install -y sip-tester`,
    );
  }
}

/** A port free for both TCP and UDP on loopback, picked by the kernel. */
export async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

export interface SippResult {
  code: number | null;
  output: string;
  /** Successful and failed call counts from the -trace_stat file (cumulative columns). */
  successful: number;
  failed: number;
  retransmissions: number;
}

/** Runs sipp in the foreground style of ENVIRONMENT.md and resolves when it exits. */
export function runSipp(args: string[], killAfterMs = 60_000): Promise<SippResult> {
  const dir = mkdtempSync(join(tmpdir(), 'sb-sipp-'));
  const full = [
    ...args,
    '-nostdin',
    '-timeout',
    '30s',
    '-trace_stat',
    '-stf',
    join(dir, 'stats.csv'),
    '-trace_err',
  ];
  return new Promise((resolve, reject) => {
    const child = spawn(SIPP, full, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const killer = setTimeout(() => child.kill('SIGKILL'), killAfterMs);
    child.on('error', (err) => {
      clearTimeout(killer);
      reject(err);
    });
    child.on('exit', (code) => {
      clearTimeout(killer);
      const stats = readStats(join(dir, 'stats.csv'));
      const errors = readdirSync(dir).filter((f) => f.endsWith('_errors.log'));
      for (const f of errors) output += readFileSync(join(dir, f), 'utf8').slice(0, 4000);
      resolve({ code, output: output.slice(-6000), ...stats });
    });
  });
}

function readStats(file: string): { successful: number; failed: number; retransmissions: number } {
  try {
    const lines = readFileSync(file, 'utf8').trim().split('\n');
    const head = (lines[0] ?? '').split(';');
    const last = (lines.at(-1) ?? '').split(';');
    const col = (name: string): number => Number(last[head.indexOf(name)] ?? NaN);
    return {
      successful: col('SuccessfulCall(C)'),
      failed: col('FailedCall(C)'),
      retransmissions: col('Retransmissions(C)'),
    };
  } catch {
    return { successful: NaN, failed: NaN, retransmissions: NaN };
  }
}

/** Resolves once something accepts TCP connections on the port (sipp has started listening). */
export async function waitForListener(port: number, attempts = 100): Promise<void> {
  for (let i = 0; i < attempts; i++) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`nothing listens on 127.0.0.1:${port}`);
}
