#!/usr/bin/env node
// `npm test`: install everything, provision throwaway PostgreSQL + Redis + rtpengine on private ports, build,
// migrate, then run the static checks and every package's tests. Exit status tells the truth.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { installDependencies, turbo } from './lib/bootstrap.mjs';
import { startRtpengine } from './lib/rtpengine.mjs';
import { ensureServerBinaries, startPostgres, startRedis } from './lib/services.mjs';
import { SetupError, freePort, log, repoRoot, run } from './lib/util.mjs';

// Debian packages the integration and browser tests drive (package name → binary).
const TEST_TOOLS = {
  'sip-tester': 'sipp',
  baresip: 'baresip',
  'linphone-cli': 'linphonec',
  tshark: 'tshark',
  chromium: '/usr/bin/chromium',
  openssl: 'openssl',
  'rtpengine-daemon': 'rtpengine',
  iproute2: 'ip',
  iptables: 'iptables',
  kamailio: 'kamailio',
};

function collectReports() {
  const totals = { passed: 0, failed: 0, skipped: 0, files: 0 };
  const dirs = ['apps', 'packages', 'packages/plugins']
    .map((d) => path.join(repoRoot, d))
    .filter((d) => fs.existsSync(d))
    .flatMap((d) => fs.readdirSync(d).map((n) => path.join(d, n)));
  for (const dir of dirs) {
    const file = path.join(dir, '.vitest-report.json');
    if (!fs.existsSync(file)) continue;
    const r = JSON.parse(fs.readFileSync(file, 'utf8'));
    totals.passed += r.numPassedTests ?? 0;
    totals.failed += (r.numFailedTests ?? 0) + countFilesThatFailedToRun(r);
    totals.skipped += (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
    totals.files += (r.testResults ?? []).length;
  }
  return totals;
}

// A test file that failed without a failed test (import error, crash in a hook) counts as one failure.
function countFilesThatFailedToRun(report) {
  return (report.testResults ?? []).filter(
    (f) => f.status === 'failed' && !(f.assertionResults ?? []).some((a) => a.status === 'failed'),
  ).length;
}

function removeOldReports() {
  for (const d of ['apps', 'packages', 'packages/plugins']) {
    const base = path.join(repoRoot, d);
    if (!fs.existsSync(base)) continue;
    for (const n of fs.readdirSync(base))
      fs.rmSync(path.join(base, n, '.vitest-report.json'), { force: true });
  }
}

async function main() {
  const started = Date.now();
  installDependencies();
  ensureServerBinaries(TEST_TOOLS, 'The test suite');

  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-test-'));
  fs.chmodSync(dataDir, 0o755);
  const stops = [];
  let exitCode = 1;
  const cleanup = () => {
    for (const stop of stops.reverse()) stop();
    stops.length = 0;
    fs.rmSync(dataDir, { recursive: true, force: true });
  };
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => {
      cleanup();
      process.exit(130);
    });
  }
  try {
    const pg = await startPostgres({ dataDir, port: await freePort() });
    stops.push(pg.stop);
    const redis = await startRedis({ dataDir, port: await freePort() });
    stops.push(redis.stop);
    // One media relay for the relay-mode tests (each call is its own rtpengine session by Call-ID),
    // recording the calls asked to be as pcaps in its recording directory.
    const rtpengineNg = await freePort();
    const recordingDir = path.join(dataDir, 'app', 'recordings', 'spool');
    const rtpengine = await startRtpengine({
      dataDir,
      settings: { address: '127.0.0.1', ngPort: rtpengineNg, portMin: 41000, portMax: 41999, recordingDir },
      fallbackAddress: '127.0.0.1',
    });
    stops.push(rtpengine.stop);
    const env = {
      ...process.env,
      DATABASE_URL: pg.url,
      REDIS_URL: redis.url,
      SWITCHBOARD_TEST_RTPENGINE: `127.0.0.1:${rtpengineNg}:41000-41999`,
      SWITCHBOARD_TEST_RTPENGINE_RECORDING_DIR: recordingDir,
      SWITCHBOARD_DATA_DIR: path.join(dataDir, 'app'),
      SWITCHBOARD_LOG_LEVEL: process.env.SWITCHBOARD_LOG_LEVEL ?? 'warn',
    };

    log('building every package');
    turbo(['run', 'build'], env);
    log('applying migrations to the test database');
    run('pnpm', ['--filter', '@switchboard/db', 'run', 'migrate'], { env });

    let checksFailed = false;
    log('static checks: typecheck and lint');
    try {
      turbo(['run', 'typecheck', 'lint', '--continue'], env);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      checksFailed = true;
    }

    log('running every test (unit, integration, browser)');
    removeOldReports();
    let testsFailed = false;
    try {
      // One package at a time: integration tests own real ports and timers, and the machine has 2 cores.
      turbo(['run', 'test', '--concurrency=1', '--continue'], env);
    } catch (err) {
      if (!(err instanceof SetupError)) throw err;
      testsFailed = true;
    }
    const t = collectReports();
    const secs = Math.round((Date.now() - started) / 1000);
    log(`${t.files} test files, ${secs}s${checksFailed ? '; typecheck/lint FAILED' : ''}`);
    process.stdout.write(`Tests: ${t.passed} passed, ${t.failed} failed, ${t.skipped} skipped\n`);
    exitCode = checksFailed || testsFailed || t.failed > 0 || t.passed === 0 ? 1 : 0;
  } catch (err) {
    if (!(err instanceof SetupError)) throw err;
    process.stderr.write(`\n[switchboard] test setup failed: ${err.message}\n`);
    exitCode = 1;
  } finally {
    cleanup();
  }
  process.exit(exitCode);
}

await main();
