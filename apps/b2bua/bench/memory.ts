// bench:memory — issue #17 item 8: does the signalling heap return to its idle size after a load?
// Needs what bench:cps needs (DATABASE_URL, REDIS_URL, a built package, sipp). Starts the roles as
// child processes with --expose-gc; each figure is the signalling role's heap after a full GC (its
// SIGUSR2 summary), with the sizes of its tables and bounded caches.
// Phases: idle (after a warm-up of 500 calls and a 3 s flood from 127.0.0.10, and a drain), then one source (sipp on 127.0.0.9) flooding
// unauthenticated INVITEs at BENCH_FLOOD_RATE/s for BENCH_FLOOD_SECONDS, a drain, then BENCH_CALLS
// authenticated calls at BENCH_CALL_RATE/s from 127.0.0.1 (allow-listed), a drain. Exit 1 when a
// drained heap is more than 20 % above the idle one.
import { spawn } from 'node:child_process';
import { startBenchPbx } from './bench-pbx.js';
import { freeUdpPort, latencySummary, sleep, startSippUac, SIPP, type Role } from './cps-support.js';

const FLOOD_RATE = Number(process.env.BENCH_FLOOD_RATE ?? 2000);
const FLOOD_SECONDS = Number(process.env.BENCH_FLOOD_SECONDS ?? 60);
const CALLS = Number(process.env.BENCH_CALLS ?? 10_000);
const CALL_RATE = Number(process.env.BENCH_CALL_RATE ?? 100);
/** Longer than 64*T1 (32 s): terminated transactions, stateless answers and trace leftovers are gone. */
const DRAIN_SECONDS = Number(process.env.BENCH_DRAIN_SECONDS ?? 40);
const TOLERANCE = 0.2;

interface Sample {
  phase: string;
  heapKiB: number;
  held: Record<string, unknown>;
}

/**
 * BENCH_HEAP_SNAPSHOT_SIGNAL=SIGTTIN with BENCH_NODE_FLAGS=--heapsnapshot-signal=SIGTTIN: a heap
 * snapshot of the signalling role after each sample (written to the package directory), to diff.
 */
const SNAPSHOT_SIGNAL = process.env.BENCH_HEAP_SNAPSHOT_SIGNAL as NodeJS.Signals | undefined;

async function sample(signalling: Role, phase: string): Promise<Sample> {
  const held = (await latencySummary(signalling))?.held;
  if (!held) throw new Error(`no SIGUSR2 summary from the signalling role (${phase})`);
  if (SNAPSHOT_SIGNAL) {
    signalling.child.kill(SNAPSHOT_SIGNAL);
    await sleep(15_000); // the snapshot blocks the process; let it finish before the next phase
  }
  return { phase, heapKiB: Number(held.heapUsedKiB), held };
}

/** sipp's built-in UAC from its own loopback address: INVITEs without credentials, never answered. */
function flood(target: string, port: number, from: string, seconds: number): Promise<number | null> {
  const child = spawn(
    SIPP,
    [
      ...[target, '-sn', 'uac', '-s', '201', '-i', from, '-p', String(port)],
      ...['-r', String(FLOOD_RATE), '-m', String(FLOOD_RATE * seconds)],
      ...['-nostdin', '-timeout', `${seconds}s`],
    ],
    { stdio: 'ignore' },
  );
  const guard = setTimeout(() => child.kill('SIGKILL'), (seconds + 10) * 1000);
  return new Promise((resolve) =>
    child.on('exit', (code) => {
      clearTimeout(guard);
      resolve(code);
    }),
  );
}

async function main(): Promise<void> {
  // Loopback is allow-listed by default: here only the caller and callee (127.0.0.1) are.
  const pbx = await startBenchPbx({
    SWITCHBOARD_SIP_FLOOD_ALLOW: process.env.SWITCHBOARD_SIP_FLOOD_ALLOW ?? '127.0.0.1/32',
  });
  const { signalling, work, target } = pbx;
  const drain = (): Promise<void> => sleep(DRAIN_SECONDS * 1000);
  try {
    // Warm-up: the same loads, small. Code is loaded and compiled lazily on first use (Prisma's
    // query compiler alone is a 4.5 MB string, seen in heap snapshots): part of the idle size, not
    // state kept; a process that served no call yet would count it as growth.
    const warm = await startSippUac(
      target,
      [
        ...pbx.callerArgs,
        '-p',
        String(await freeUdpPort()),
        '-r',
        String(CALL_RATE),
        '-m',
        '500',
        '-d',
        '100',
      ],
      work,
    ).done;
    console.log(`warm-up: 500 calls, sipp exit ${warm.code}`);
    await flood(target, await freeUdpPort(), '127.0.0.10', 3);
    await drain();
    const samples = [await sample(signalling, 'idle')];

    const floodStarted = Date.now();
    const floodExit = await flood(target, await freeUdpPort(), '127.0.0.9', FLOOD_SECONDS);
    console.log(`flood: sipp exit ${floodExit} after ${((Date.now() - floodStarted) / 1000).toFixed(0)} s`);
    await drain();
    samples.push(
      await sample(signalling, `${FLOOD_SECONDS} s flood at ${FLOOD_RATE}/s, ${DRAIN_SECONDS} s later`),
    );

    const calls = await startSippUac(
      target,
      [
        ...pbx.callerArgs,
        ...['-p', String(await freeUdpPort()), '-r', String(CALL_RATE), '-m', String(CALLS)],
        ...['-l', String(CALL_RATE * 12), '-d', '100', '-max_socket', '4096'],
        ...['-timeout', `${Math.ceil(CALLS / CALL_RATE) + 60}s`],
      ],
      work,
    ).done;
    const failed = /Failed call\s+\|\s+\d+\s+\|\s+(\d+)/.exec(calls.out)?.[1];
    console.log(`calls: sipp exit ${calls.code}, failed ${failed ?? '?'} of ${CALLS}`);
    await drain();
    samples.push(await sample(signalling, `${CALLS} calls at ${CALL_RATE}/s, ${DRAIN_SECONDS} s later`));

    const idle = samples[0]?.heapKiB ?? NaN;
    console.log('\n| phase | heap after a full GC (MiB) | vs idle | held |');
    console.log('|---|---:|---:|---|');
    for (const s of samples)
      console.log(
        `| ${s.phase} | ${(s.heapKiB / 1024).toFixed(1)} | ${(((s.heapKiB - idle) / idle) * 100).toFixed(1)} % | ${JSON.stringify(s.held)} |`,
      );
    const over = samples.filter((s) => s.heapKiB > idle * (1 + TOLERANCE));
    if (over.length > 0) {
      console.log(
        `heap more than ${TOLERANCE * 100} % above idle after: ${over.map((s) => s.phase).join('; ')}`,
      );
      process.exitCode = 1;
    }
  } finally {
    await pbx.stop();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
