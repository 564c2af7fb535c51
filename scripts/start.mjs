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
import { Supervisor } from './lib/supervisor.mjs';
import { SetupError, log, repoRoot, run, startChild } from './lib/util.mjs';

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

function startApp(name, args, env) {
  supervisor.add(name, () => startChild(name, process.execPath, args, { env }));
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
  // Phones on the LAN need an address they can reach in Via/Contact and as the SIP domain.
  const publicAddress = process.env.SWITCHBOARD_SIP_PUBLIC_ADDRESS ?? lanAddress() ?? '127.0.0.1';
  if (media.mode !== 'direct') {
    const rtpengine = await startRtpengine({ dataDir, settings: media, fallbackAddress: publicAddress });
    stops.push(rtpengine.stop);
  }
  const env = {
    ...process.env,
    SWITCHBOARD_SIP_PUBLIC_ADDRESS: publicAddress,
    DATABASE_URL: process.env.DATABASE_URL ?? pg.url,
    REDIS_URL: process.env.REDIS_URL ?? redis.url,
    SWITCHBOARD_DATA_DIR: path.join(dataDir, 'app'),
  };

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
  if (fs.existsSync(adminCli)) run(process.execPath, [adminCli, 'admin', 'bootstrap'], { env });

  const b2bua = path.join(repoRoot, 'apps/b2bua/dist/main.js');
  startApp('signalling', [b2bua, 'signalling'], env);
  startApp('worker', [b2bua, 'worker'], env);
  const adminMain = path.join(repoRoot, 'apps/admin/dist/main.js');
  if (fs.existsSync(adminMain)) startApp('admin', [adminMain], env);

  const sipHost = env.SWITCHBOARD_SIP_DOMAIN ?? env.SWITCHBOARD_SIP_PUBLIC_ADDRESS;
  const udp = env.SWITCHBOARD_SIP_UDP_PORT ?? '5060';
  const tcp = env.SWITCHBOARD_SIP_TCP_PORT ?? '5060';
  const adminUrl = `http://${env.SWITCHBOARD_ADMIN_HOST ?? '127.0.0.1'}:${env.SWITCHBOARD_ADMIN_PORT ?? '8080'}/`;
  process.stdout.write(
    [
      '',
      '  Switchboard is starting:',
      `    SIP        phones register to sip:<extension>@${sipHost} (UDP ${udp}, TCP ${tcp});`,
      '               the digest realm is that domain: set SWITCHBOARD_SIP_DOMAIN to keep it stable',
      `    Admin UI   ${adminUrl}`,
      '               first login: user "admin" with the one-time password printed above on the first run;',
      '               lost it? node apps/admin/dist/cli.js admin reset-password admin',
      `    Data       ${dataDir} (PostgreSQL 127.0.0.1:${pgPort}, Redis 127.0.0.1:${redisPort})`,
      media.mode === 'direct'
        ? '    Media      direct (phones send RTP to each other; no relay)'
        : `    Media      ${media.mode} through rtpengine (ng ${media.address}:${media.ngPort}, UDP ${media.portMin}-${media.portMax})`,
      '    Stop       Ctrl-C',
      '',
    ].join('\n') + '\n',
  );
}

main().catch((err) => {
  process.stderr.write(`\n[switchboard] ${err instanceof SetupError ? err.message : err.stack}\n`);
  void shutdown(1);
});
