// bench:cps, second half: the same sipp flow and rates against Kamailio (kamailio-proxy.ts), then the
// side-by-side table of the issue with Switchboard / Kamailio ratios.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { cpuMsOf, loadAverage, percentile, runRate, sleep, type Row } from './cps-support.js';
import { startBenchKamailio } from './kamailio-proxy.js';
import { registrationCell, registrationRates, type RegistrationResult } from './registrations.js';

interface KamailioRow {
  rate: number;
  ok: boolean;
  failed: number;
  p50: number;
  p99: number;
  cpu: number;
}
/**
 * Kamailio forwards a call's responses from several UDP worker processes, so a 180 can reach the
 * caller after the 200 that overtook it (2 calls of 1,600–2,400 at 200–300/s in two runs). A real UAC drops a provisional
 * answer after the final one (RFC 3261 §17.1.1.2: the INVITE client transaction is gone); sipp aborts
 * the call on it unless told not to. Only the Kamailio half gets this: Switchboard (one process,
 * responses in order) keeps sipp's strict default — a stray 1xx from it would be a bug to show.
 */
const KAMAILIO_CALLER_FLAGS = ['-default_behaviors', 'all,-abortunexp'];

export async function compareWithKamailio(
  sb: readonly Row[],
  sbBest: number,
  rates: readonly number[],
  seconds: number,
  sbExtra: { registrations: RegistrationResult; heapPerCallKb: number; concurrent: number },
): Promise<void> {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-bench-k-'));
  const k = await startBenchKamailio(work, Number(process.env.BENCH_KAMAILIO_CHILDREN ?? 2));
  const rows: KamailioRow[] = [];
  let kRegistrations: RegistrationResult | undefined;
  try {
    for (const rate of rates) {
      console.log(`kamailio ${rate}/s: load average ${loadAverage()} at the start`);
      const before = cpuMsOf(k.pids());
      const r = await runRate(k.target, [...k.callerArgs, ...KAMAILIO_CALLER_FLAGS], rate, seconds, work);
      await sleep(3000); // as for Switchboard: the step's BYEs and transactions drain
      const ok = r.code === 0;
      rows.push({
        rate,
        ok,
        failed: r.failed,
        p50: percentile(r.rtts, 50),
        p99: percentile(r.rtts, 99),
        cpu: (cpuMsOf(k.pids()) - before) / (rate * seconds),
      });
      console.log(
        `kamailio ${rate}/s: exit ${r.code}, failed ${r.failed}, setup p50 ${percentile(r.rtts, 50)} ms p99 ${percentile(r.rtts, 99)} ms`,
      );
      if (!ok) {
        // As for Switchboard: why sipp failed those calls (its -trace_err file).
        const errors = fs.existsSync(r.errorFile) ? fs.readFileSync(r.errorFile, 'utf8') : '';
        console.log(`first failures at kamailio ${rate}/s:\n${errors.slice(0, 1500)}`);
        break;
      }
    }
    kRegistrations = await registrationRates(k.target, 'bench.test', work, () => k.pids(), 'kamailio');
  } finally {
    await k.stop();
    fs.rmSync(work, { recursive: true, force: true });
  }

  const kBest = Math.max(
    0,
    ...rows.filter((r, i) => rows.slice(0, i + 1).every((x) => x.ok)).map((r) => r.rate),
  );
  // CPU per call is compared at the highest rate both passed; setup latency at 100/s (the issue's table).
  // (If Switchboard passed none, at the first rate, marked as failed.)
  const passedByBoth = Math.max(0, ...sb.filter((r) => r.ok && r.rate <= kBest).map((r) => r.rate));
  const common = passedByBoth || (rates[0] ?? 0);
  const sbAt = sb.find((r) => r.rate === common);
  const kAt = rows.find((r) => r.rate === common);
  const failedHere = [sbAt?.ok ? '' : 'Switchboard', kAt?.ok ? '' : 'Kamailio'].filter(Boolean).join(' and ');
  const note = passedByBoth ? '' : ` (${failedHere} failed calls at this rate)`;
  const sb100 = sb.find((r) => r.rate === 100);
  const k100 = rows.find((r) => r.rate === 100);
  const sbCpu = sbAt ? sbAt.cpu.signalling + sbAt.cpu.worker + sbAt.cpu.redis + sbAt.cpu.postgres : NaN;
  const ratio = (a: number | undefined, b: number | undefined): string =>
    a !== undefined && b !== undefined && b > 0 ? `${(a / b).toFixed(1)}×` : '-';
  const ms = (v: number): string => v.toFixed(2);

  console.log(
    `\n| system | highest rate with 0 failed calls | server CPU per call at ${common}/s${note} (ms) | setup p50 / p99 at 100/s (ms) |`,
  );
  console.log('|---|---:|---|---:|');
  console.log(
    `| Kamailio 5.6 stateful proxy, digest auth + registrar lookup | ${kBest}/s | ${kAt ? ms(kAt.cpu) : '-'} | ${k100 ? `${k100.p50} / ${k100.p99}` : '-'} |`,
  );
  console.log(
    `| Switchboard (signalling + worker + Redis + PostgreSQL) | ${sbBest}/s | ${
      sbAt
        ? `${ms(sbCpu)} (signalling ${ms(sbAt.cpu.signalling)}, worker ${ms(sbAt.cpu.worker)}, Redis ${ms(sbAt.cpu.redis)}, PostgreSQL ${ms(sbAt.cpu.postgres)})`
        : '-'
    } | ${sb100 ? `${sb100.p50} / ${sb100.p99}` : '-'} |`,
  );
  console.log(
    `| Switchboard / Kamailio | ${ratio(sbBest, kBest)} | ${ratio(sbCpu, kAt?.cpu)} | ${ratio(sb100?.p50, k100?.p50)} / ${ratio(sb100?.p99, k100?.p99)} |`,
  );
  const sbReg = sbExtra.registrations;
  console.log('\n| system | registrations/s with digest (0 failed) | memory per held call after a full GC |');
  console.log('|---|---:|---:|');
  console.log(
    `| Kamailio 5.6 (usrloc in memory) | ${registrationCell(kRegistrations)} | - (stateful proxy: no dialog state) |`,
  );
  console.log(
    `| Switchboard (Redis bindings) | ${registrationCell(sbReg)} | ${sbExtra.heapPerCallKb.toFixed(1)} KiB of heap (${sbExtra.concurrent} calls held) |`,
  );
  console.log(`| Switchboard / Kamailio | ${ratio(sbReg.best, kRegistrations?.best)} | - |`);
  console.log(
    `(a rate counts only if sipp and, for Switchboard, the B2BUA saw 0 failed calls; sipp runs on the same cores; the highest rate tried was ${Math.max(...rates)}/s)`,
  );
}
