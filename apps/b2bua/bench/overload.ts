// bench:overload — the issue's "at 2× capacity, excess calls get 503 within 10 ms and accepted calls
// still complete". The bench PBX of bench:cps with overload control at its settings (the defaults unless
// SWITCHBOARD_OVERLOAD_* are set), an uncounted warm-up, then sipp offers BENCH_OVERLOAD_RATE calls/s
// (default 600: twice the highest rate bench:cps passes on the 2-core machine) for BENCH_SECONDS with
// bench/sipp/uac-overload.xml, where either INVITE may get 503. Reports, at the caller: calls offered,
// answered and refused, the 503's round trip (INVITE sent → 503 received) and the accepted calls'
// setup; at the PBX: episodes, calls it ended abnormally and calls still live after the drain.
import path from 'node:path';
import { redisKeys } from '@switchboard/live-state';
import { startBenchPbx } from './bench-pbx.js';
import {
  abnormalIn,
  freeUdpPort,
  loadAverage,
  percentile,
  readRttsByRtd,
  scenarios,
  sleep,
  startSipp,
} from './cps-support.js';

const RATE = Number(process.env.BENCH_OVERLOAD_RATE ?? 600);
const SECONDS = Number(process.env.BENCH_SECONDS ?? 8);
const WARMUP_CALLS = Number(process.env.BENCH_WARMUP_CALLS ?? 1500);
const WARMUP_RATE = Number(process.env.BENCH_WARMUP_RATE ?? 100);
/** How long the accepted calls may take to end after the load (64*T1 for a lost ACK, plus BYEs). */
const DRAIN_MS = 40_000;

async function main(): Promise<void> {
  const pbx = await startBenchPbx();
  const { signalling, redis, work, target } = pbx;
  const episodes = { started: 0, ended: 0, reasons: new Set<string>() };
  signalling.child.stdout?.on('data', (chunk: Buffer) => {
    for (const line of chunk.toString().split('\n')) {
      if (line.includes('"event":"sip-overload-start"')) {
        episodes.started += 1;
        const { reasons } = JSON.parse(line) as { reasons?: string[] };
        for (const r of reasons ?? []) episodes.reasons.add(r);
      } else if (line.includes('"event":"sip-overload-end"')) episodes.ended += 1;
    }
  });
  try {
    if (WARMUP_CALLS > 0) {
      console.log(`warm-up: ${WARMUP_CALLS} calls at ${WARMUP_RATE}/s, not counted`);
      // The same scenario: a process still cold (V8 has not optimised the call path) may refuse some.
      const warm = await startSipp(
        target,
        [
          ...['-sf', path.join(scenarios, 'uac-overload.xml'), ...pbx.callerArgs],
          ...['-p', String(await freeUdpPort()), '-r', String(WARMUP_RATE), '-m', String(WARMUP_CALLS)],
          ...[
            '-l',
            String(WARMUP_RATE * 12),
            '-d',
            '500',
            '-timeout',
            '120s',
            '-trace_rtt',
            '-rtt_freq',
            '1',
          ],
        ],
        work,
      ).done;
      const refused = [...readRttsByRtd(work)]
        .filter(([rtd]) => rtd !== '1')
        .reduce((n, [, v]) => n + v.length, 0);
      console.log(`  warm-up: sipp exit ${warm.code}, ${refused} refused 503 (not counted)`);
      await waitForNoCalls(redis, DRAIN_MS);
    }
    const before = { ...episodes };
    const calls = RATE * SECONDS;
    console.log(`offered: ${calls} calls at ${RATE}/s, load average ${loadAverage()} at the start`);
    const from = Date.now();
    const run = await startSipp(
      target,
      [
        ...['-sf', path.join(scenarios, 'uac-overload.xml'), ...pbx.callerArgs],
        ...['-p', String(await freeUdpPort()), '-r', String(RATE), '-m', String(calls)],
        ...['-l', String(RATE * 12), '-d', '500', '-timeout', `${SECONDS + 40}s`],
        ...['-trace_rtt', '-rtt_freq', '1', '-max_socket', '4096'],
      ],
      work,
    ).done;
    const to = Date.now();
    const stillLive = await waitForNoCalls(redis, DRAIN_MS);
    const abnormal = abnormalIn(signalling.abnormal, from, to);
    const rtts = readRttsByRtd(work);
    const setup = rtts.get('1') ?? [];
    const refusedFirst = rtts.get('2') ?? [];
    const refusedSecond = rtts.get('3') ?? [];
    const refused = [...refusedFirst, ...refusedSecond].sort((a, b) => a - b);
    const failed = Number(/Failed call\s+\|\s+\d+\s+\|\s+(\d+)/.exec(run.out)?.[1] ?? NaN);
    const stat = (v: number[]): string =>
      v.length === 0
        ? '-'
        : `${percentile(v, 50)} / ${percentile(v, 95)} / ${percentile(v, 99)} / ${v[v.length - 1]}`;
    const within10 = refused.filter((ms) => ms <= 10).length;
    console.log(
      '\n| offered | answered 200 | refused 503 (first INVITE + authenticated INVITE) | 503 round trip p50 / p95 / p99 / max (ms) | 503s within 10 ms | accepted setup p50 / p95 / p99 / max (ms) | failed (sipp) | ended abnormally by the B2BUA | still live after the drain | overload episodes (reasons) |',
    );
    console.log('|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|');
    console.log(
      `| ${calls} at ${RATE}/s | ${setup.length} | ${refused.length} (${refusedFirst.length} + ${refusedSecond.length}) | ${stat(refused)} | ${refused.length > 0 ? ((100 * within10) / refused.length).toFixed(1) : '-'} % | ${stat(setup)} | ${failed} | ${abnormal.count}${abnormal.count > 0 ? ` (${abnormal.causes})` : ''} | ${stillLive} | ${episodes.started - before.started} started, ${episodes.ended - before.ended} ended (${[...episodes.reasons].join(', ')}) |`,
    );
    if (run.code !== 0) console.log(`sipp exit ${run.code}:\n${run.out.slice(-1500)}`);
  } finally {
    await pbx.stop();
  }
}

/** Polls the live-call set until it is empty or `ms` pass; returns the calls still live. */
async function waitForNoCalls(redis: { zcard(key: string): Promise<number> }, ms: number): Promise<number> {
  const until = Date.now() + ms;
  let live = await redis.zcard(redisKeys.calls);
  while (live > 0 && Date.now() < until) {
    await sleep(250);
    live = await redis.zcard(redisKeys.calls);
  }
  return live;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
