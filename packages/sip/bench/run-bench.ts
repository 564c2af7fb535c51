// Side-by-side SIP parser benchmark. Each library runs in its own child process, rounds are
// interleaved, and the median of the rounds is reported. Throughput is per CPU-second of the
// worker process by default (the machine is shared; --wall uses elapsed time instead).
//   node dist/bench/bench/run-bench.js [--json] [--rounds N] [--seconds S] [--wall]
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LIBRARIES } from './adapters.js';
import type { Timing, WorkerResult } from './bench-worker.js';

const args = process.argv.slice(2);
const json = args.includes('--json');
const wall = args.includes('--wall');
const rounds = Number(option('--rounds') ?? '3');
const seconds = option('--seconds') ?? '1';
const workerPath = fileURLToPath(new URL('./bench-worker.js', import.meta.url));

function option(name: string): string | undefined {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
}

function runWorker(library: string): WorkerResult {
  const r = spawnSync(process.execPath, [workerPath, library, seconds], { encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${library} worker failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as WorkerResult;
}

function rate(t: Timing | null): number {
  if (t === null) return NaN;
  return t.messages / (wall ? t.wallSeconds : t.cpuSeconds);
}

function median(xs: number[]): number {
  const s = xs.filter((x) => !Number.isNaN(x)).sort((a, b) => a - b);
  if (s.length === 0) return NaN;
  const mid = s.length >> 1;
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

interface Row {
  library: string;
  parse: number;
  touch: number;
  reserialize: number;
  build: number;
  bytesPerMessage: number;
  failures: string[];
}

function collect(): { rows: Row[]; corpusBytes: number; corpusMessages: number } {
  const samples = new Map<string, WorkerResult[]>();
  for (let r = 0; r < rounds; r++) {
    for (const lib of LIBRARIES) {
      const list = samples.get(lib) ?? [];
      list.push(runWorker(lib));
      samples.set(lib, list);
    }
  }
  let corpusBytes = 0;
  let corpusMessages = 0;
  const rows = LIBRARIES.map((library) => {
    const rs = samples.get(library)!;
    const first = rs[0]!;
    corpusBytes = first.corpusBytes;
    corpusMessages = first.corpusMessages;
    return {
      library,
      parse: median(rs.map((x) => rate(x.parse))),
      touch: median(rs.map((x) => rate(x.parseTouch))),
      reserialize: median(rs.map((x) => rate(x.reserialize))),
      build: median(rs.map((x) => rate(x.build))),
      bytesPerMessage: first.passBytes / first.passMessages,
      failures: first.failures,
    };
  });
  return { rows, corpusBytes, corpusMessages };
}

function fmt(n: number, digits = 0): string {
  return Number.isNaN(n)
    ? 'n/a'
    : n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });
}

function printTable(rows: Row[], corpusBytes: number, corpusMessages: number): void {
  const ours = rows.find((r) => r.library === '@switchboard/sip')!;
  const header = [
    'library',
    'parse msg/s',
    'parse MB/s',
    'parse+touch msg/s',
    'touch MB/s',
    'ours/lib (touch)',
    'reserialize msg/s',
    'build msg/s',
    'failed msgs',
  ];
  const lines = rows.map((r) => [
    r.library,
    fmt(r.parse),
    fmt((r.parse * r.bytesPerMessage) / 1e6, 1),
    fmt(r.touch),
    fmt((r.touch * r.bytesPerMessage) / 1e6, 1),
    r === ours ? '1.00x' : `${fmt(ours.touch / r.touch, 2)}x`,
    fmt(r.reserialize),
    fmt(r.build),
    r.failures.length === 0 ? '0' : `${r.failures.length} (${r.failures.join('; ')})`,
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...lines.map((l) => l[i]!.length)));
  const row = (cells: string[]): string =>
    cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join(' | ');
  console.log(
    `corpus: ${corpusMessages} messages, ${corpusBytes} bytes; ${rounds} rounds x ${seconds}s, median; ${wall ? 'wall-clock' : 'per CPU-second'}`,
  );
  console.log(row(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const l of lines) console.log(row(l));
  const peers = rows.filter((r) => r !== ours);
  const fastest = peers.reduce((a, b) => (b.touch > a.touch ? b : a));
  console.log(`\nparse+touch: ${fmt(ours.touch / fastest.touch, 2)}x the fastest peer (${fastest.library})`);
}

const { rows, corpusBytes, corpusMessages } = collect();
if (json) {
  const results = rows.map((r) => ({
    library: r.library,
    parseMsgsPerSec: Math.round(r.parse),
    parseTouchMsgsPerSec: Math.round(r.touch),
  }));
  process.stdout.write(`${JSON.stringify({ corpusBytes, results })}\n`);
} else {
  printTable(rows, corpusBytes, corpusMessages);
}
