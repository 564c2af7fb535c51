// Small helpers for the run/test scripts. Plain Node, no dependencies: these run before `pnpm install`.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';

export const repoRoot = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');

export function log(msg) {
  process.stdout.write(`\x1b[36m[switchboard]\x1b[0m ${msg}\n`);
}

export class SetupError extends Error {}

/** Runs a command, inheriting stdio; throws SetupError naming the command when it fails. */
export function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: repoRoot, ...opts });
  if (r.error) throw new SetupError(`could not run ${cmd}: ${r.error.message}`);
  if (r.status !== 0) throw new SetupError(`${cmd} ${args.join(' ')} exited with ${r.status ?? r.signal}`);
}

/** Like run() but captures stdout, for version probes and the like. Returns null on failure. */
export function capture(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: repoRoot, ...opts });
  if (r.error || r.status !== 0) return null;
  return r.stdout.trim();
}

export function which(bin) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (!dir) continue;
    const p = path.join(dir, bin);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return null;
}

export const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;

export function isDebianLike() {
  return fs.existsSync('/etc/debian_version') && which('apt-get') !== null;
}

let aptUpdated = false;
/** Installs Debian packages when running as root on Debian/Ubuntu; otherwise explains what to install. */
export function aptInstall(packages, why) {
  if (packages.length === 0) return;
  if (!isRoot || !isDebianLike()) {
    throw new SetupError(
      `${why} needs these programs, which are not installed: ${packages.join(', ')}.\n` +
        `Install them (Debian/Ubuntu: sudo apt-get install -y ${packages.join(' ')}),\n` +
        `or run the stack in containers: docker compose -f docker/compose.yaml up`,
    );
  }
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  if (!aptUpdated) {
    log('apt-get update');
    run('apt-get', ['update', '-qq'], { env });
    aptUpdated = true;
  }
  log(`apt-get install ${packages.join(' ')}`);
  run('apt-get', ['install', '-y', '-qq', ...packages], { env });
}

/** Asks the kernel for a free TCP port on loopback (also free for UDP in practice on a quiet host). */
export async function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      srv.close(() => resolve(addr.port));
    });
  });
}

/** Starts a long-running child; its output is prefixed so interleaved logs stay readable. */
export function startChild(name, cmd, args, opts = {}) {
  const child = spawn(cmd, args, { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'], ...opts });
  const prefix = `\x1b[35m${name.padEnd(10)}\x1b[0m| `;
  for (const stream of [child.stdout, child.stderr]) {
    let buf = '';
    stream.setEncoding('utf8');
    stream.on('data', (d) => {
      buf += d;
      let i;
      while ((i = buf.indexOf('\n')) >= 0) {
        process.stdout.write(prefix + buf.slice(0, i) + '\n');
        buf = buf.slice(i + 1);
      }
    });
  }
  return child;
}

export function sleep(ms) {
  return new Promise((r) => setTimeout(r, ms));
}
