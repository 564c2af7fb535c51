// Local PostgreSQL and Redis, bound to 127.0.0.1, with their data under one data directory.
// Passwords are generated on first use and kept (mode 0600) beside the data: no default passwords.
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { SetupError, aptInstall, capture, isRoot, log, run, sleep, which } from './util.mjs';

function findPostgresBin() {
  const onPath = which('pg_ctl');
  if (onPath && which('initdb')) return path.dirname(onPath);
  const base = '/usr/lib/postgresql';
  if (!fs.existsSync(base)) return null;
  const versions = fs
    .readdirSync(base)
    .filter((v) => fs.existsSync(path.join(base, v, 'bin', 'pg_ctl')))
    .sort((a, b) => Number(b) - Number(a));
  return versions.length > 0 ? path.join(base, versions[0], 'bin') : null;
}

function findRedisServer() {
  return which('redis-server') ?? (fs.existsSync('/usr/bin/redis-server') ? '/usr/bin/redis-server' : null);
}

/** Installs what is missing of PostgreSQL, Redis and `extra` Debian packages (name → binary). */
export function ensureServerBinaries(extra = {}, why = 'Switchboard') {
  const missing = [];
  if (!findPostgresBin()) missing.push('postgresql');
  if (!findRedisServer()) missing.push('redis-server');
  for (const [pkg, bin] of Object.entries(extra)) if (!which(bin) && !fs.existsSync(bin)) missing.push(pkg);
  aptInstall(missing, why);
}

function readOrCreateSecret(file) {
  if (fs.existsSync(file)) return fs.readFileSync(file, 'utf8').trim();
  const secret = crypto.randomBytes(24).toString('base64url');
  fs.writeFileSync(file, secret + '\n', { mode: 0o600 });
  return secret;
}

/** PostgreSQL refuses to run as root, so as root the cluster belongs to the `postgres` user. */
function asPostgres(cmd, args, opts = {}) {
  if (!isRoot) return run(cmd, args, opts);
  return run('runuser', ['-u', 'postgres', '--', cmd, ...args], opts);
}

function chownToPostgres(dir) {
  if (isRoot) run('chown', ['-R', 'postgres:postgres', dir]);
}

export async function startPostgres({ dataDir, port }) {
  const bin = findPostgresBin();
  if (!bin) throw new SetupError('PostgreSQL binaries not found (Debian package postgresql)');
  const pgData = path.join(dataDir, 'postgres');
  const password = readOrCreateSecret(path.join(dataDir, 'postgres.password'));
  if (!fs.existsSync(path.join(pgData, 'PG_VERSION'))) {
    log(`initialising PostgreSQL cluster in ${pgData}`);
    fs.mkdirSync(pgData, { recursive: true, mode: 0o700 });
    const pwFile = path.join(dataDir, '.initdb-pw');
    fs.writeFileSync(pwFile, password + '\n', { mode: 0o600 });
    chownToPostgres(pgData);
    if (isRoot) run('chown', ['postgres:postgres', pwFile]);
    try {
      asPostgres(
        path.join(bin, 'initdb'),
        [
          '-D',
          pgData,
          '-U',
          'postgres',
          '--auth=scram-sha-256',
          `--pwfile=${pwFile}`,
          '-E',
          'UTF8',
          '--no-locale',
        ],
        { stdio: ['ignore', 'ignore', 'inherit'] },
      );
    } finally {
      fs.rmSync(pwFile, { force: true });
    }
  }
  // A cluster left running by a run that was killed is stopped first, so the port is ours again.
  const pidFile = path.join(pgData, 'postmaster.pid');
  if (fs.existsSync(pidFile)) {
    spawnSync(
      isRoot ? 'runuser' : path.join(bin, 'pg_ctl'),
      isRoot
        ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', pgData, '-m', 'fast', 'stop']
        : ['-D', pgData, '-m', 'fast', 'stop'],
      { stdio: 'ignore' },
    );
  }
  const logFile = path.join(dataDir, 'postgres.log');
  if (isRoot && !fs.existsSync(logFile)) {
    fs.writeFileSync(logFile, '');
    run('chown', ['postgres:postgres', logFile]);
  }
  log(`starting PostgreSQL on 127.0.0.1:${port}`);
  asPostgres(
    path.join(bin, 'pg_ctl'),
    [
      '-D',
      pgData,
      '-l',
      logFile,
      '-w',
      '-t',
      '60',
      '-o',
      `-p ${port} -c listen_addresses=127.0.0.1 -c unix_socket_directories=''`,
      'start',
    ],
    { stdio: ['ignore', 'ignore', 'inherit'] },
  );
  const url = `postgresql://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/switchboard`;
  return {
    url,
    stop: () => {
      log('stopping PostgreSQL');
      spawnSync(
        isRoot ? 'runuser' : path.join(bin, 'pg_ctl'),
        isRoot
          ? ['-u', 'postgres', '--', path.join(bin, 'pg_ctl'), '-D', pgData, '-m', 'fast', '-w', 'stop']
          : ['-D', pgData, '-m', 'fast', '-w', 'stop'],
        { stdio: 'ignore' },
      );
    },
  };
}

export async function startRedis({ dataDir, port }) {
  const server = findRedisServer();
  if (!server) throw new SetupError('redis-server not found (Debian package redis-server)');
  const dir = path.join(dataDir, 'redis');
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const password = readOrCreateSecret(path.join(dataDir, 'redis.password'));
  const pidFile = path.join(dir, 'redis.pid');
  stopByPidFile(pidFile);
  // Config via stdin so the password never shows in `ps`.
  const conf = [
    `port ${port}`,
    'bind 127.0.0.1',
    'protected-mode yes',
    `dir ${dir}`,
    'appendonly yes',
    'save ""',
    'daemonize yes',
    `pidfile ${pidFile}`,
    `logfile ${path.join(dataDir, 'redis.log')}`,
    `requirepass ${password}`,
  ].join('\n');
  log(`starting Redis on 127.0.0.1:${port} (append-only persistence)`);
  const r = spawnSync(server, ['-'], { input: conf, stdio: ['pipe', 'inherit', 'inherit'] });
  if (r.status !== 0) throw new SetupError(`redis-server exited with ${r.status}`);
  const url = `redis://:${encodeURIComponent(password)}@127.0.0.1:${port}`;
  await waitForRedis(port, password);
  return {
    url,
    stop: () => {
      log('stopping Redis');
      stopByPidFile(pidFile);
    },
  };
}

async function waitForRedis(port, password) {
  const cli = which('redis-cli');
  for (let i = 0; i < 100; i++) {
    if (!cli) {
      await sleep(300);
      return;
    }
    const out = capture(cli, ['-p', String(port), 'ping'], {
      env: { ...process.env, REDISCLI_AUTH: password },
    });
    if (out === 'PONG') return;
    await sleep(100);
  }
  throw new SetupError(`Redis did not answer on port ${port}`);
}

function stopByPidFile(pidFile) {
  if (!fs.existsSync(pidFile)) return;
  const pid = Number(fs.readFileSync(pidFile, 'utf8').trim());
  if (!Number.isInteger(pid) || pid <= 0) return;
  try {
    process.kill(pid, 'SIGTERM');
  } catch {
    return; // not running
  }
  // Redis writes its append-only file and exits on SIGTERM; wait for it.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(pid, 0);
    } catch {
      return;
    }
    spawnSync('sleep', ['0.1']);
  }
}
