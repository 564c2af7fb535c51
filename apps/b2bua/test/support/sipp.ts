import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freeUdpPort } from './sip-test-kit.js';

export const SIPP = '/usr/bin/sipp';
export const scenarioDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../sipp');

/** Fails (never skips) when sipp is missing: CI installs it (`sip-tester`). */
export function requireSipp(): void {
  if (!fs.existsSync(SIPP)) {
    throw new Error(`sipp not found at ${SIPP}: install the Debian package sip-tester (npm test does it)`);
  }
}

export interface SippRun {
  code: number | null;
  output: string;
  errors: string;
}

/** Runs one sipp UAC scenario from test/sipp against the B2BUA; exit code 0 = every call passed. */
export async function runSipp(
  scenario: string,
  target: { host: string; port: number },
  args: string[],
): Promise<SippRun> {
  requireSipp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sipp-'));
  const errorFile = path.join(dir, 'errors.log');
  const localPort = await freeUdpPort();
  const child = spawn(
    SIPP,
    [
      `${target.host}:${target.port}`,
      '-sf',
      path.join(scenarioDir, scenario),
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      process.env.SIPP_TIMEOUT ?? '30s',
      '-i',
      '127.0.0.1',
      '-p',
      String(localPort),
      '-trace_err',
      '-trace_msg',
      '-message_file',
      path.join(dir, 'msg.log'),
      '-error_file',
      errorFile,
      ...args,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  child.stdout.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr.on('data', (c: Buffer) => (output += c.toString('utf8')));
  const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
  if (process.env.SIPP_DEBUG) output += fs.readFileSync(path.join(dir, 'msg.log'), 'utf8');
  const errors = fs.existsSync(errorFile) ? fs.readFileSync(errorFile, 'utf8') : '';
  fs.rmSync(dir, { recursive: true, force: true });
  return { code, output, errors };
}
