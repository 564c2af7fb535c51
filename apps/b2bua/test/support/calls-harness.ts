import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { createLogger } from '@switchboard/config';
import { redisKeys } from '@switchboard/live-state';
import { vi } from 'vitest';
import { WorkerModule } from '../../src/worker.module.js';
import { SIPP, requireSipp, scenarioDir } from './sipp.js';
import { freeUdpPort, startSignalling, type SignallingHarness } from './sip-test-kit.js';

const here = path.dirname(fileURLToPath(import.meta.url));
export const callsPlugin = path.resolve(here, '../fixtures/calls-plugin.mjs');

/** The signalling role and a routing worker, in this process, on a throwaway DB and queue prefix. */
export interface CallsHarness extends SignallingHarness {
  worker: INestApplicationContext;
  /** Binds a contact of `extension` at 127.0.0.1:port in the location service (as the registrar does). */
  bind(extension: string, port: number): Promise<void>;
  unbindAll(extension: string): Promise<void>;
}

/** Rows the routing worker reads at start-up (extensions, plugin configuration). */
export type SignallingSeed = (h: SignallingHarness) => Promise<void>;

/**
 * Enables the extensions plugin with every unanswered outcome rejected, so a test sees the callee's
 * own final answer instead of a fallback.
 */
export async function enableExtensionsPlugin(s: SignallingHarness, ringSeconds = 5): Promise<void> {
  await s.prisma.pluginConfig.create({
    data: {
      pluginId: 'extensions',
      enabled: true,
      config: { ringSeconds, onNoAnswer: 'reject', onBusy: 'reject', onDecline: 'reject' },
    },
  });
}

/** A seed: extensions `numbers` with password `pw-<number>`, and {@link enableExtensionsPlugin}. */
export function seedExtensions(numbers: readonly string[], ringSeconds = 5): SignallingSeed {
  return async (s) => {
    for (const n of numbers) await s.addExtension(n, `pw-${n}`);
    await enableExtensionsPlugin(s, ringSeconds);
  };
}

export async function startCalls(
  env: Record<string, string> = {},
  seed: SignallingSeed = () => Promise.resolve(),
): Promise<CallsHarness> {
  const h = await startSignalling({
    SWITCHBOARD_PLUGINS: `${callsPlugin},@switchboard/plugin-extensions`,
    SWITCHBOARD_ROUTING_TIMEOUT_MS: '4000',
    // sipp answers only the first challenge and only knows MD5 (both are still offered).
    SWITCHBOARD_SIP_DIGEST_ALGORITHMS: 'MD5,SHA-256',
    ...env,
  });
  await seed(h);
  const worker = await NestFactory.createApplicationContext(
    WorkerModule.forRoot(h.config, createLogger('test-worker', h.config)),
    { logger: false, abortOnError: false },
  );
  await worker.init();
  return {
    ...h,
    worker,
    bind: (extension, port) => bindContact(h, extension, port),
    unbindAll: async (extension) => {
      await h.redis.del(redisKeys.registration(`sip:${extension}@${h.domain}`));
    },
    close: async () => {
      await worker.close();
      await h.close();
    },
  };
}

type CallRecordRow = NonNullable<Awaited<ReturnType<SignallingHarness['prisma']['callRecord']['findFirst']>>>;

/** Binds a contact of `extension` at 127.0.0.1:port in the location service (as the registrar does). */
export async function bindContact(s: SignallingHarness, extension: string, port: number): Promise<void> {
  const aor = `sip:${extension}@${s.domain}`;
  const contact = `sip:${extension}@127.0.0.1:${port}`;
  const binding = {
    aor,
    contact,
    expiresAt: Date.now() + 600_000,
    q: 1,
    sourceAddress: `127.0.0.1:${port}`,
    transport: 'UDP',
  };
  await s.redis.hset(redisKeys.registration(aor), contact, JSON.stringify(binding));
}

/**
 * One sipp call from extension `caller` (digest password `pw-<caller>`) to `dialled`, answered by a
 * sipp bound as extension `callee`. Throws with sipp's output unless both ends passed; returns the
 * call's record once written.
 */
export async function sippCallAnswered(
  s: SignallingHarness,
  call: { caller: string; dialled: string; callee: string },
): Promise<CallRecordRow> {
  const answering = await startSipp('call-uas-answer.xml', []);
  await bindContact(s, call.callee, answering.port);
  const calling = await startSipp(
    'call-uac-basic.xml',
    [
      '-s',
      call.dialled,
      '-au',
      call.caller,
      '-ap',
      `pw-${call.caller}`,
      '-key',
      'domain',
      s.domain,
      '-key',
      'caller',
      call.caller,
    ],
    { host: '127.0.0.1', port: s.port },
    `sip:${call.dialled}@${s.domain}`,
  );
  for (const [side, run] of [
    ['caller', await calling.done],
    ['callee', await answering.done],
  ] as const) {
    if (run.code !== 0) throw new Error(`${side} sipp failed (exit ${run.code}):\n${run.output}`);
  }
  return vi.waitFor(
    async () => {
      const row = await s.prisma.callRecord.findFirst({ where: { calleeNumber: call.dialled } });
      if (!row) throw new Error(`no call record for ${call.dialled} yet`);
      return row;
    },
    { timeout: 10_000, interval: 50 },
  );
}

const live = new Set<ChildProcess>();

/** Kills every sipp this harness started that is still running (sipp may ignore its -timeout). */
export function killAllSipp(): void {
  for (const child of live) child.kill('SIGKILL');
  live.clear();
}

export interface SippProcess {
  port: number;
  /** `messages`: sipp's whole message trace (what it sent and received), `output` ends with its tail. */
  done: Promise<{ code: number | null; output: string; messages: string }>;
  kill(): void;
}

/** Starts sipp with a scenario from test/sipp; UAS (no target) or UAC (`target`). One call, bounded time. */
export async function startSipp(
  scenario: string,
  args: string[],
  target?: { host: string; port: number },
  /** Digest uri (sipp's default is remote_ip:remote_port, which is not our Request-URI). */
  authUri?: string,
  /** Files written into sipp's working directory first (e.g. the pcap of `play_pcap_audio`). */
  files: Readonly<Record<string, Uint8Array>> = {},
): Promise<SippProcess> {
  requireSipp();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-call-sipp-'));
  for (const [name, bytes] of Object.entries(files)) fs.writeFileSync(path.join(dir, name), bytes);
  const scenarioFile = path.join(scenarioDir, scenario);
  const port = await freeUdpPort();
  const child: ChildProcess = spawn(
    SIPP,
    [
      ...(target ? [`${target.host}:${target.port}`] : []),
      '-sf',
      scenarioFile,
      '-m',
      '1',
      '-nostdin',
      '-timeout',
      '15s',
      '-i',
      '127.0.0.1',
      '-p',
      String(port),
      '-trace_err',
      '-trace_msg',
      '-message_file',
      path.join(dir, 'messages.log'),
      '-error_file',
      path.join(dir, 'errors.log'),
      ...(authUri ? ['-auth_uri', authUri.replace(/^sip:/, '')] : []),
      ...args,
    ],
    { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  live.add(child);
  let output = '';
  child.stdout?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  child.stderr?.on('data', (c: Buffer) => (output += c.toString('utf8')));
  // sipp 3.6 may stay alive after its -timeout with a call still open: a hard guard.
  const guard = setTimeout(() => child.kill('SIGKILL'), 20_000);
  const done = new Promise<{ code: number | null; output: string; messages: string }>((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      live.delete(child);
      const errFile = path.join(dir, 'errors.log');
      const errors = fs.existsSync(errFile) ? fs.readFileSync(errFile, 'utf8') : '';
      const msgFile = path.join(dir, 'messages.log');
      const messages = fs.existsSync(msgFile) ? fs.readFileSync(msgFile, 'utf8') : '';
      fs.rmSync(dir, { recursive: true, force: true });
      resolve({
        code,
        output: `${scenario}: ${errors}\n${output.slice(-1500)}\n${messages.slice(-6000)}`,
        messages,
      });
    }),
  );
  return { port, done, kill: () => child.kill('SIGKILL') };
}

/** Extension `extension` (digest password `pw-<extension>`) dials `dialled` at the PBX `pbx` with `scenario`. */
export function sippDial(
  pbx: { readonly domain: string; readonly port: number },
  extension: string,
  dialled: string,
  scenario: string,
): Promise<SippProcess> {
  return startSipp(
    scenario,
    [
      '-s',
      dialled,
      '-au',
      extension,
      '-ap',
      `pw-${extension}`,
      '-key',
      'domain',
      pbx.domain,
      '-key',
      'caller',
      extension,
    ],
    { host: '127.0.0.1', port: pbx.port },
    `sip:${dialled}@${pbx.domain}`,
  );
}
