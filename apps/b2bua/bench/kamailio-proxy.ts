// The reference system of bench:cps: Debian's Kamailio as a stateful proxy with digest auth and a
// registrar (bench/kamailio/kamailio.cfg), the same sipp UAS registered as 201 through it, so that the
// same caller scenario (bench/sipp/uac.xml) runs against both systems.
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { appDir, callerArgs, freeUdpPort, procPids, scenarios, SIPP, SIPP_BUFFER } from './cps-support.js';

export interface BenchKamailio {
  /** host:port of Kamailio's UDP listener. */
  readonly target: string;
  readonly callerArgs: readonly string[];
  /** Kamailio's main process and the children it forked (CPU is summed over them). */
  pids(): number[];
  stop(): Promise<void>;
}

const KAMAILIO = '/usr/sbin/kamailio';

export async function startBenchKamailio(work: string, children = 2): Promise<BenchKamailio> {
  if (!fs.existsSync(KAMAILIO)) throw new Error('kamailio not found (Debian package kamailio)');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-kamailio-'));
  const port = await freeUdpPort();
  const template = fs.readFileSync(path.join(appDir, 'bench/kamailio/kamailio.cfg'), 'utf8');
  const cfg = path.join(dir, 'kamailio.cfg');
  fs.writeFileSync(
    cfg,
    template.replaceAll('{{PORT}}', String(port)).replaceAll('{{CHILDREN}}', String(children)),
  );
  let log = '';
  const kamailio = spawn(KAMAILIO, ['-f', cfg, '-DD', '-E', '-Y', dir, '-w', dir, '-m', '256', '-M', '16'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  kamailio.stderr.on('data', (c: Buffer) => (log = (log + c.toString()).slice(-4000)));
  const uasPort = await freeUdpPort();
  const uas = spawn(
    SIPP,
    [
      ...['-sf', path.join(scenarios, 'uas.xml'), '-nostdin', '-i', '127.0.0.1', '-p', String(uasPort)],
      ...['-l', '100000', '-max_socket', '4096', '-buff_size', String(SIPP_BUFFER)],
    ],
    { cwd: work, stdio: 'ignore' },
  );
  const stop = async (): Promise<void> => {
    uas.kill('SIGKILL');
    if (kamailio.exitCode === null && kamailio.signalCode === null) {
      kamailio.kill('SIGTERM');
      await once(kamailio, 'exit');
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  // The registration doubles as the readiness probe: sipp retransmits until Kamailio answers.
  const registered = await runSipp(
    [
      `127.0.0.1:${port}`,
      ...['-sf', path.join(scenarios, 'register.xml'), '-nostdin', '-i', '127.0.0.1'],
      ...['-p', String(await freeUdpPort()), '-m', '1', '-timeout', '15s'],
      ...['-s', '201', '-au', '201', '-ap', 'pw-201', '-key', 'domain', 'bench.test'],
      ...['-key', 'contact', `sip:201@127.0.0.1:${uasPort}`],
    ],
    work,
  );
  if (registered.code !== 0) {
    await stop();
    throw new Error(`the callee did not register at Kamailio (sipp exit ${registered.code}):\n${log}`);
  }
  return {
    target: `127.0.0.1:${port}`,
    callerArgs: callerArgs('bench.test'),
    pids: () => {
      const main = kamailio.pid;
      return main === undefined ? [] : [main, ...procPids((p) => p.ppid === main)];
    },
    stop,
  };
}

function runSipp(args: string[], cwd: string): Promise<{ code: number | null }> {
  const child: ChildProcess = spawn(SIPP, args, { cwd, stdio: 'ignore' });
  return new Promise((resolve) => child.on('exit', (code) => resolve({ code })));
}
