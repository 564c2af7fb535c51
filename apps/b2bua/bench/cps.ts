// bench:cps — sipp UAC → B2BUA (signalling role) → sipp UAS, at rising call rates.
// Needs DATABASE_URL (a server where a throwaway database may be created) and REDIS_URL, a built
// package (`pnpm build`), sipp. Starts the signalling and worker roles as child processes
// (node dist/main.js), like production, on loopback with a unique queue prefix.
// Reports: highest CPS with 0 failed calls, setup latency (authenticated INVITE → 200 at the caller,
// routing job included; the callee answers at once), memory per concurrent call at 1,000+ calls.
import fs from 'node:fs';
import { redisKeys } from '@switchboard/live-state';
import { startBenchPbx } from './bench-pbx.js';
import {
  freeUdpPort,
  sleep,
  abnormalIn,
  rssKb,
  startSippUac,
  percentile,
  readRtts,
  cpuMs,
  cpuSplitMs,
  cpuSince,
  cpuSnapshot,
  procPids,
  runRate,
  type Row,
  latencySummary,
  fmt,
  fmtStages,
  redisCommandCounts,
  commandsPerCall,
  loadAverage,
} from './cps-support.js';
import { compareWithKamailio } from './kamailio-side.js';
import { registrationCell, registrationRates } from './registrations.js';

const RATES = (process.env.BENCH_RATES ?? '50,100,200,300,400,600').split(',').map(Number);
const SECONDS_PER_RATE = Number(process.env.BENCH_SECONDS ?? 8);
const CONCURRENT = Number(process.env.BENCH_CONCURRENT ?? 1100);
const HOLD_RATE = Number(process.env.BENCH_HOLD_RATE ?? 40);
// Warm-up calls before the first step, not counted: after the first few hundred calls V8 has not
// optimised the call path yet (a cold 10/s step showed 36 ms of signalling CPU per call, 100/s 10.5),
// so without them the first steps report the JIT, not the steady state. 0 = none.
const WARMUP_CALLS = Number(process.env.BENCH_WARMUP_CALLS ?? 3000);
const WARMUP_RATE = Number(process.env.BENCH_WARMUP_RATE ?? 100);
// What each role burns with no calls (timers, heartbeats, BullMQ's idle polls), measured over this
// many quiet seconds after the warm-up: at 10 calls/s it is much of "CPU per call", so each step also
// shows CPU per call net of it. 0 = not measured.
const IDLE_SECONDS = Number(process.env.BENCH_IDLE_SECONDS ?? 5);

async function main(): Promise<void> {
  const pbx = await startBenchPbx();
  const { signalling, worker, redis, work, target } = pbx;
  const common = [...pbx.callerArgs];

  // Warm-up: the first calls load modules lazily (Prisma's query compiler, …); keep that out of the figures.
  const warm = await startSippUac(
    target,
    [...common, '-p', String(await freeUdpPort()), '-r', '10', '-m', '20', '-d', '100', '-timeout', '30s'],
    work,
  ).done;
  readRtts(work);
  await latencySummary(signalling); // warm-up samples are not reported
  if (warm.code !== 0) console.log(`warm-up calls failed (sipp exit ${warm.code})`);
  await sleep(1000);
  if (WARMUP_CALLS > 0) {
    console.log(
      `warm-up: ${WARMUP_CALLS} calls at ${WARMUP_RATE}/s, not counted (load average ${loadAverage()})`,
    );
    const seconds = Math.ceil(WARMUP_CALLS / WARMUP_RATE);
    const w = await runRate(target, common, WARMUP_RATE, seconds, work, WARMUP_CALLS);
    await latencySummary(signalling);
    if (w.code !== 0) console.log(`  warm-up: sipp exit ${w.code}, ${w.failed} failed (not counted)`);
    await sleep(3000); // its BYEs, records and transactions drain before the first step
  }
  const idleCpu = await idleCpuPerSecond(signalling.child.pid, worker.child.pid, IDLE_SECONDS);
  if (IDLE_SECONDS > 0)
    console.log(
      `idle CPU over ${IDLE_SECONDS} s: signalling ${idleCpu.s.toFixed(1)} ms/s, worker ${idleCpu.w.toFixed(1)} ms/s (load average ${loadAverage()})`,
    );

  const rows: Row[] = [];
  let best = 0;
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1] ?? NaN);
  // PostgreSQL backends serving the bench database ("postgres: user db addr state").
  const pgPids = (): number[] =>
    procPids((p) => p.cmdline.startsWith('postgres: ') && p.cmdline.includes(` ${pbx.dbName} `));
  for (const rate of RATES) {
    const calls = rate * SECONDS_PER_RATE;
    const load = loadAverage();
    console.log(`rate ${rate}/s: ${calls} calls, load average ${load} at the start`);
    const rateStarted = Date.now();
    const cpuBefore = { s: cpuMs(signalling.child.pid), w: cpuMs(worker.child.pid) };
    const sharedBefore = { redis: cpuSnapshot([redisPid]), pg: cpuSnapshot(pgPids()) };
    const splitBefore = cpuSplitMs(signalling.child.pid);
    const commandsBefore = await redisCommandCounts(redis);
    const r = await runRate(target, common, rate, SECONDS_PER_RATE, work);
    const rtts = r.rtts;
    const b2bua = await latencySummary(signalling);
    const window = { from: rateStarted, to: Date.now() };
    const { count: b2buaFailed } = abnormalIn(signalling.abnormal, window.from, window.to);
    const ok = r.code === 0 && b2buaFailed === 0;
    if (!ok) {
      const errors = fs.existsSync(r.errorFile) ? fs.readFileSync(r.errorFile, 'utf8') : '';
      console.log(`first failures at ${rate}/s:\n${errors.slice(0, 1500)}`);
    }
    if (ok) best = rate;
    await sleep(3000); // let BYEs, records and Timer K/J state drain between rates
    const stepSeconds = (Date.now() - rateStarted) / 1000;
    const cpu = {
      signalling: (cpuMs(signalling.child.pid) - cpuBefore.s) / calls,
      worker: (cpuMs(worker.child.pid) - cpuBefore.w) / calls,
      redis: cpuSince(sharedBefore.redis, [redisPid]) / calls,
      postgres: cpuSince(sharedBefore.pg, pgPids()) / calls,
    };
    const split = cpuSplitMs(signalling.child.pid);
    // Every Redis command of the step (both roles, BullMQ included) per call: INFO commandstats.
    const redisCommands = commandsPerCall(commandsBefore, await redisCommandCounts(redis), calls);
    console.log(`  Redis commands per call: ${redisCommands.total.toFixed(1)} (${redisCommands.top})`);
    console.log(`  setup stages p50 / p95 (ms): ${fmtStages(b2bua)}`);
    console.log(
      `  signalling CPU per call: user ${((split.user - splitBefore.user) / calls).toFixed(2)} ms, system ${((split.system - splitBefore.system) / calls).toFixed(2)} ms`,
    );
    // The idle rate over the step's CPU window (load and drain) taken off: what the calls cost.
    const net = {
      signalling: cpu.signalling - (idleCpu.s * stepSeconds) / calls,
      worker: cpu.worker - (idleCpu.w * stepSeconds) / calls,
    };
    if (IDLE_SECONDS > 0)
      console.log(
        `  CPU per call net of idle (${stepSeconds.toFixed(1)} s window): signalling ${net.signalling.toFixed(2)} ms, worker ${net.worker.toFixed(2)} ms`,
      );
    rows.push({
      rate,
      calls,
      ok,
      failed: r.failed,
      p50: percentile(rtts, 50),
      p95: percentile(rtts, 95),
      p99: percentile(rtts, 99),
      b2bua,
      window,
      b2buaFailed,
      b2buaCauses: '',
      cpu,
      redisCommands: redisCommands.total,
      load,
      ...(IDLE_SECONDS > 0 ? { net } : {}),
    });
    console.log(
      `rate ${rate}/s: exit ${r.code}, failed ${r.failed}, ended abnormally by the B2BUA ${b2buaFailed}, setup p50 ${percentile(rtts, 50)} ms p99 ${percentile(rtts, 99)} ms`,
    );
    if (!ok) break;
  }

  // A call whose ACK never came is ended by the B2BUA 64*T1 (32 s) after its 2xx: wait for those,
  // then count every abnormal ending against the rate whose call it was.
  await sleep(35_000);
  // Calls still live now never ended: every bench call hangs up after 500 ms, so their BYE was lost
  // (sipp may take our retransmitted INVITE 2xx for its BYE's 200 and stop retransmitting). Failures too.
  const live = await redis.zrange(redisKeys.calls, 0, -1, 'WITHSCORES');
  const liveStarts: number[] = [];
  for (let i = 1; i < live.length; i += 2) liveStarts.push(Number(live[i]));
  for (const row of rows) {
    const late = abnormalIn(signalling.abnormal, row.window.from, row.window.to);
    const stillLive = liveStarts.filter((t) => t >= row.window.from && t < row.window.to).length;
    row.b2buaFailed = late.count + stillLive;
    row.b2buaCauses = [late.causes, stillLive > 0 ? `${stillLive}× still live 35 s later (BYE lost)` : '']
      .filter(Boolean)
      .join(', ');
    if (row.b2buaFailed > 0) row.ok = false;
  }
  best = Math.max(0, ...rows.filter((r, i) => rows.slice(0, i + 1).every((x) => x.ok)).map((r) => r.rate));
  // After the drain: every call ended, terminated transactions gone (Timer K/J ≤ 64*T1): a leak shows here.
  const drained = (await latencySummary(signalling))?.held;

  // Memory per concurrent call: hold CONCURRENT calls open (long -d), compare RSS to the idle RSS.
  // Calls still live after the drain (e.g. bridged calls whose BYE was lost) are not counted as held.
  const stuck = await redis.zcard(redisKeys.calls);
  const idle = rssKb(signalling.child.pid);
  const holdPort = await freeUdpPort();
  const hold = startSippUac(
    target,
    [
      ...common,
      '-p',
      String(holdPort),
      '-r',
      String(HOLD_RATE),
      '-m',
      String(CONCURRENT),
      '-l',
      String(CONCURRENT),
      '-d',
      '120000',
      '-timeout',
      '240s',
      '-max_socket',
      '4096',
    ],
    work,
  );
  let concurrent = 0;
  let peak = idle;
  for (let i = 0; i < 120 && concurrent < CONCURRENT; i++) {
    await sleep(1000);
    concurrent = (await redis.zcard(redisKeys.calls)) - stuck;
    peak = Math.max(peak, rssKb(signalling.child.pid));
  }
  const loaded = rssKb(signalling.child.pid);
  const perCallKb = concurrent > 0 ? (loaded - idle) / concurrent : NaN;
  // Heap after a full GC (SIGUSR2 with --expose-gc), held calls minus drained: steadier than RSS.
  const loadedHeap = Number((await latencySummary(signalling))?.held?.heapUsedKiB ?? NaN);
  const drainedHeap = Number(drained?.heapUsedKiB ?? NaN);
  const heapPerCallKb = concurrent > 0 ? (loadedHeap - drainedHeap) / concurrent : NaN;
  hold.child.kill('SIGKILL'); // the held calls end with the B2BUA below
  await hold.done;

  console.log(
    '\n| rate (calls/s) | calls | failed (sipp) | ended abnormally by the B2BUA | setup at the caller p50 / p95 / p99 (ms) | B2BUA INVITE in → INVITE out p50 / p95 (ms) | of which routing job p50 / p95 | B2BUA 200 in → 200 out p50 / p95 (ms) | CPU per call: signalling / worker / Redis / PostgreSQL (ms) | Redis commands per call | result | CPU per call net of idle: signalling / worker (ms) | load average at the start (1 / 5 / 15 min) |',
  );
  console.log('|---:|---:|---:|---|---:|---:|---:|---:|---:|---:|---|---:|---|');
  for (const r of rows)
    console.log(
      `| ${r.rate} | ${r.calls} | ${r.failed} | ${r.b2buaFailed ? r.b2buaCauses : 0} | ${r.p50} / ${r.p95} / ${r.p99} | ${fmt(r.b2bua?.inviteInToOut)} | ${fmt(r.b2bua?.routing)} | ${fmt(r.b2bua?.okInToOut)} | ${r.cpu.signalling.toFixed(2)} / ${r.cpu.worker.toFixed(2)} / ${r.cpu.redis.toFixed(2)} / ${r.cpu.postgres.toFixed(2)} | ${r.redisCommands.toFixed(1)} | ${r.ok ? 'ok' : 'FAILED'} | ${r.net ? `${r.net.signalling.toFixed(2)} / ${r.net.worker.toFixed(2)}` : '-'} | ${r.load} |`,
    );
  console.log(
    `\nhighest rate with 0 failed calls: ${best} calls/s (target 1000: ${(best / 1000).toFixed(2)}x)`,
  );
  console.log(
    `memory: idle RSS ${(idle / 1024).toFixed(1)} MiB, ${concurrent} concurrent calls RSS ${(loaded / 1024).toFixed(1)} MiB → ${perCallKb.toFixed(1)} KiB per concurrent call`,
  );

  console.log(
    `held by the signalling role 35 s after the load: ${JSON.stringify(drained)}; live in sb:calls then: ${stuck}`,
  );
  console.log(
    `heap after full GC: drained ${(drainedHeap / 1024).toFixed(1)} MiB, with ${concurrent} held calls ${(loadedHeap / 1024).toFixed(1)} MiB → ${heapPerCallKb.toFixed(1)} KiB per concurrent call`,
  );

  // Registrations/s with digest: the registrar is the signalling role (Redis bindings; PostgreSQL counted too).
  const sbPids = (): number[] => [signalling.child.pid ?? 0, worker.child.pid ?? 0, redisPid, ...pgPids()];
  const registrations = await registrationRates(target, 'bench.test', work, sbPids, 'switchboard');
  console.log(`registrations with digest: ${registrationCell(registrations)} (target 3000/s)`);

  await pbx.stop();

  if (process.env.BENCH_KAMAILIO !== '0')
    await compareWithKamailio(rows, best, RATES, SECONDS_PER_RATE, {
      registrations,
      heapPerCallKb,
      concurrent,
    });
}

/** CPU ms per second each role uses with no calls, over `seconds` (0: not measured, zeros). */
async function idleCpuPerSecond(
  signallingPid: number | undefined,
  workerPid: number | undefined,
  seconds: number,
): Promise<{ s: number; w: number }> {
  if (seconds <= 0) return { s: 0, w: 0 };
  const before = { s: cpuMs(signallingPid), w: cpuMs(workerPid), at: Date.now() };
  await sleep(seconds * 1000);
  const elapsed = (Date.now() - before.at) / 1000;
  return { s: (cpuMs(signallingPid) - before.s) / elapsed, w: (cpuMs(workerPid) - before.w) / elapsed };
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
