// bench:cps, registrations/s with digest: sipp REGISTER → 401 → REGISTER with credentials → 200
// (bench/sipp/register.xml) at rising rates against a registrar (Switchboard or Kamailio). Extension
// 100 registers (the caller, never called in the bench), so the callee's binding stays untouched.
import path from 'node:path';
import { cpuMsOf, freeUdpPort, scenarios, sleep, startSipp } from './cps-support.js';

export const REG_RATES = (process.env.BENCH_REG_RATES ?? '500,1000,2000,3000')
  .split(',')
  .filter(Boolean)
  .map(Number);
const REG_SECONDS = Number(process.env.BENCH_REG_SECONDS ?? 4);

export interface RegistrationRow {
  rate: number;
  ok: boolean;
  failed: number;
  /** Server CPU ms per registration (both REGISTER transactions). */
  cpu: number;
}

export interface RegistrationResult {
  rows: RegistrationRow[];
  /** Highest rate with 0 failed registrations (0 if none passed). */
  best: number;
}

/** Runs the registration steps against `target` (a registrar of `domain`); `pids` are the server's processes. */
export async function registrationRates(
  target: string,
  domain: string,
  work: string,
  pids: () => number[],
  label: string,
): Promise<RegistrationResult> {
  const rows: RegistrationRow[] = [];
  for (const rate of REG_RATES) {
    const count = rate * REG_SECONDS;
    const before = cpuMsOf(pids());
    const contactPort = await freeUdpPort();
    const r = await startSipp(
      target,
      [
        ...['-sf', path.join(scenarios, 'register.xml'), '-p', String(await freeUdpPort())],
        ...[
          '-r',
          String(rate),
          '-m',
          String(count),
          '-l',
          String(rate * 4),
          '-timeout',
          `${REG_SECONDS + 20}s`,
        ],
        // The digest uri is the REGISTER's Request-URI (RFC 3261 §22.4): Switchboard checks it.
        ...['-s', '100', '-au', '100', '-ap', 'pw-100', '-auth_uri', domain, '-key', 'domain', domain],
        ...['-key', 'contact', `sip:100@127.0.0.1:${contactPort}`, '-max_socket', '4096'],
      ],
      work,
    ).done;
    await sleep(1000); // the last transactions' work (writes) lands in the CPU figure
    const failed = Number(/Failed call\s+\|\s+\d+\s+\|\s+(\d+)/.exec(r.out)?.[1] ?? NaN);
    const ok = r.code === 0 && failed === 0;
    rows.push({ rate, ok, failed, cpu: (cpuMsOf(pids()) - before) / count });
    console.log(
      `${label} registrations ${rate}/s: exit ${r.code}, failed ${failed}, server CPU ${(rows.at(-1)?.cpu ?? NaN).toFixed(2)} ms per registration`,
    );
    if (!ok) break;
  }
  const best = Math.max(
    0,
    ...rows.filter((r, i) => rows.slice(0, i + 1).every((x) => x.ok)).map((r) => r.rate),
  );
  return { rows, best };
}

/** "3000/s (0.31 ms CPU per registration)" for the side-by-side table. */
export function registrationCell(r: RegistrationResult | undefined): string {
  if (!r) return '-';
  const at = r.rows.find((x) => x.rate === r.best) ?? r.rows[0];
  const tried = Math.max(...REG_RATES);
  return `${r.best}/s${r.best === tried ? ' (highest tried)' : ''}${at ? `, ${at.cpu.toFixed(2)} ms CPU each at ${at.rate}/s` : ''}`;
}
