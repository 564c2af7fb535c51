#!/usr/bin/env node
// `npm start`: install everything, provision PostgreSQL + Redis + rtpengine under the data directory, migrate,
// seed on first run, build, start every app and say what runs where. A role that dies is restarted
// with backoff (lib/supervisor.mjs); only Ctrl-C (or SIGTERM) stops it all.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installDependencies, turbo } from './lib/bootstrap.mjs';
import { RTPENGINE_PACKAGE, rtpengineSettings, startRtpengine } from './lib/rtpengine.mjs';
import { ensureServerBinaries, startPostgres, startRedis } from './lib/services.mjs';
import { chooseSipDomain, readSettings, settingsFile, writeSettings } from './lib/settings.mjs';
import { Supervisor } from './lib/supervisor.mjs';
import { SetupError, capture, log, repoRoot, run, startChild } from './lib/util.mjs';

const dataDir = path.resolve(repoRoot, process.env.SWITCHBOARD_DATA_DIR ?? '.data');
const pgPort = Number(process.env.SWITCHBOARD_PG_PORT ?? 55432);
const redisPort = Number(process.env.SWITCHBOARD_REDIS_PORT ?? 56379);

const stops = [];
const supervisor = new Supervisor({ log });
let stopping = false;

function stopServices() {
  for (const stop of stops.reverse()) stop();
  stops.length = 0;
}

async function shutdown(code) {
  if (stopping) return;
  stopping = true;
  log('stopping apps');
  await supervisor.stop();
  stopServices();
  log('stopped');
  process.exit(code);
}

/**
 * Starts a supervised app with an IPC channel; resolves when its first run reports `{ type: 'ready' }`
 * (the apps' src/main.ts).
 */
function startApp(name, args, env) {
  return new Promise((resolve) => {
    supervisor.add(name, () => {
      const child = startChild(name, process.execPath, args, {
        env,
        stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      });
      child.on('message', (m) => {
        if (m && typeof m === 'object' && m.type === 'ready') resolve();
      });
      return child;
    });
  });
}

/** The first non-loopback IPv4 address, where desk phones and softphones can reach this host. */
function lanAddress() {
  for (const addrs of Object.values(os.networkInterfaces())) {
    for (const a of addrs ?? []) if (a.family === 'IPv4' && !a.internal) return a.address;
  }
  return undefined;
}

async function main() {
  installDependencies();
  const media = rtpengineSettings();
  // Media mode `direct` needs no relay; `relay` and `auto` need rtpengine (installed like the databases).
  ensureServerBinaries(media.mode === 'direct' ? {} : RTPENGINE_PACKAGE, 'Switchboard');
  fs.mkdirSync(dataDir, { recursive: true });
  fs.chmodSync(dataDir, 0o755);
  const firstRun = !fs.existsSync(path.join(dataDir, 'seeded'));

  process.on('SIGINT', () => void shutdown(0));
  process.on('SIGTERM', () => void shutdown(0));

  const pg = await startPostgres({ dataDir, port: pgPort });
  stops.push(pg.stop);
  const redis = await startRedis({ dataDir, port: redisPort });
  stops.push(redis.stop);
  const publicAddress = process.env.SWITCHBOARD_SIP_PUBLIC_ADDRESS ?? lanAddress() ?? '127.0.0.1';
  if (media.mode !== 'direct') {
    const rtpengine = await startRtpengine({ dataDir, settings: media, fallbackAddress: publicAddress });
    stops.push(rtpengine.stop);
  }
  const settingsPath = settingsFile(dataDir);
  const sipDomain = chooseSipDomain({
    env: process.env,
    stored: readSettings(settingsPath),
    firstRun,
    // What the domain defaulted to before settings were stored: SIP passwords are hashed for it.
    previousDefault: publicAddress,
  });
  const env = {
    ...process.env,
    // Phones on the LAN need an address they can reach in Via/Contact; the signalling process also
    // serves requests addressed to any other address of this host.
    SWITCHBOARD_SIP_PUBLIC_ADDRESS: publicAddress,
    SWITCHBOARD_SIP_DOMAIN: sipDomain,
    DATABASE_URL: process.env.DATABASE_URL ?? pg.url,
    REDIS_URL: process.env.REDIS_URL ?? redis.url,
    SWITCHBOARD_DATA_DIR: path.join(dataDir, 'app'),
  };
  writeSettings(settingsPath, {
    SWITCHBOARD_SIP_DOMAIN: sipDomain,
    DATABASE_URL: env.DATABASE_URL,
    REDIS_URL: env.REDIS_URL,
    SWITCHBOARD_DATA_DIR: env.SWITCHBOARD_DATA_DIR,
  });

  log('building');
  turbo(['run', 'build', '--output-logs=errors-only'], env);
  log('applying migrations');
  run('pnpm', ['--filter', '@switchboard/db', 'run', '--silent', 'migrate'], { env });
  if (firstRun) {
    log('seeding (first run)');
    run('pnpm', ['--filter', '@switchboard/db', 'run', '--silent', 'seed'], { env });
    fs.writeFileSync(path.join(dataDir, 'seeded'), new Date().toISOString() + '\n');
  }

  const adminCli = path.join(repoRoot, 'apps/admin/dist/cli.js');
  const bootstrap = capture(process.execPath, [adminCli, 'admin', 'bootstrap'], {
    env,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  if (bootstrap === null) throw new SetupError('switchboard admin bootstrap failed');
  const oneTimePassword = /one-time password: (\S+)/.exec(bootstrap)?.[1];

  const b2bua = path.join(repoRoot, 'apps/b2bua/dist/main.js');
  await Promise.all([
    startApp('signalling', [b2bua, 'signalling'], env),
    startApp('worker', [b2bua, 'worker'], env),
    startApp('admin', [path.join(repoRoot, 'apps/admin/dist/main.js')], env),
  ]);
  if (stopping) return;
  await outputSettled();
  process.stdout.write(banner({ env, media, sipDomain, publicAddress, oneTimePassword, settingsPath }));
}

/**
 * A child's last log lines travel on its stdout pipe, its ready message on the IPC channel, and either
 * may be read first: wait until the apps have been quiet for a moment (at most 2 s) so the banner is last.
 */
function outputSettled(quietMs = 300, maxMs = 2_000) {
  return new Promise((resolve) => {
    let quiet = setTimeout(done, quietMs);
    const cap = setTimeout(done, maxMs);
    const onData = () => {
      clearTimeout(quiet);
      quiet = setTimeout(done, quietMs);
    };
    const streams = ['signalling', 'worker', 'admin']
      .map((name) => supervisor.child(name))
      .flatMap((child) => (child ? [child.stdout, child.stderr] : []));
    for (const s of streams) s.on('data', onData);
    function done() {
      clearTimeout(quiet);
      clearTimeout(cap);
      for (const s of streams) s.off('data', onData);
      resolve();
    }
  });
}

/** Printed last, once every app has said it is ready. */
function banner({ env, media, sipDomain, publicAddress, oneTimePassword, settingsPath }) {
  const udp = env.SWITCHBOARD_SIP_UDP_PORT ?? '5060';
  const tcp = env.SWITCHBOARD_SIP_TCP_PORT ?? '5060';
  const adminUrl = `http://${env.SWITCHBOARD_ADMIN_HOST ?? '127.0.0.1'}:${env.SWITCHBOARD_ADMIN_PORT ?? '8080'}/`;
  const defaultSettings = path.join(repoRoot, '.data', 'settings.env');
  const cli =
    settingsPath === defaultSettings
      ? 'pnpm switchboard'
      : `SWITCHBOARD_SETTINGS=${settingsPath} pnpm switchboard`;
  const login = oneTimePassword
    ? `first login: user "admin", one-time password ${oneTimePassword} (shown once)`
    : 'log in with your admin user';
  return (
    [
      '',
      '  Switchboard is running:',
      `    SIP        register phones to ${publicAddress} (UDP ${udp}, TCP ${tcp}; any address of this host works)`,
      `               as <extension>@${sipDomain}; digest realm "${sipDomain}" (stored in ${settingsPath})`,
      `    Admin UI   ${adminUrl}`,
      `               ${login}`,
      `    CLI        ${cli} --help   (lost the password? ${cli} admin reset-password admin)`,
      `    Data       ${dataDir} (PostgreSQL 127.0.0.1:${pgPort}, Redis 127.0.0.1:${redisPort})`,
      media.mode === 'direct'
        ? '    Media      direct (phones send RTP to each other; no relay)'
        : `    Media      ${media.mode} through rtpengine (ng ${media.address}:${media.ngPort}, UDP ${media.portMin}-${media.portMax})`,
      '    Stop       Ctrl-C',
      '',
    ].join('\n') + '\n'
  );
}

main().catch((err) => {
  process.stderr.write(`\n[switchboard] ${err instanceof SetupError ? err.message : err.stack}\n`);
  void shutdown(1);
});
