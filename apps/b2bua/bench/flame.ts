// bench:flame — a V8 CPU profile (`node --cpu-prof`, e.g. bench:cps with BENCH_PROFILE_DIR) drawn as a
// self-contained SVG flame graph that GitHub shows inside a README (plain SVG, <title> tooltips).
// `--from/--to` (seconds from the profile's start) pick the load window: `prof_time.py FILE` shows it.
// Usage: pnpm run bench:flame <file.cpuprofile> [--out file.svg] [--from S] [--to S] [--title T]
//          [--min-share PERCENT (0.2)] [--width PX (1200)] [--include-idle]
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { foldProfile, type CpuProfile } from './flame-graph.js';
import { renderSvg } from './flame-svg.js';

const { values, positionals } = parseArgs({
  // pnpm may pass a literal `--` through before the script's own arguments.
  args: process.argv.slice(2).filter((a) => a !== '--'),
  allowPositionals: true,
  options: {
    out: { type: 'string', short: 'o' },
    from: { type: 'string' },
    to: { type: 'string' },
    title: { type: 'string' },
    'min-share': { type: 'string' },
    width: { type: 'string' },
    'include-idle': { type: 'boolean' },
  },
});

const file = positionals[0];
if (!file) {
  throw new Error(
    'usage: flame <file.cpuprofile> [--out f.svg] [--from S] [--to S] [--title T] [--min-share %] [--width px] [--include-idle]',
  );
}
const num = (name: string, v: string | undefined): number | undefined => {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n < 0) throw new Error(`--${name}: not a non-negative number: ${v}`);
  return n;
};
const fromS = num('from', values.from);
const toS = num('to', values.to);
const minSharePct = num('min-share', values['min-share']) ?? 0.2;
const width = num('width', values.width) ?? 1200;
const includeIdle = values['include-idle'] === true;
const out = values.out ?? `${file.replace(/\.cpuprofile$/, '')}.svg`;

if (fromS !== undefined && toS !== undefined && toS <= fromS) throw new Error('--to must be after --from');
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const folded = foldProfile(profile, { fromS, toS, includeIdle });
if (folded.total === 0) {
  throw new Error(
    `no busy samples in ${folded.fromS}–${folded.toS.toFixed(1)} s (prof_time.py shows busy ms per second)`,
  );
}
const svg = renderSvg(folded, { title: values.title, width, minShare: minSharePct / 100, includeIdle });
fs.writeFileSync(out, svg);
console.log(
  `${out}: ${(svg.length / 1024).toFixed(0)} KB, ${(folded.total / 1000).toFixed(0)} ms sampled ` +
    `(${folded.samples} samples, idle ${(folded.idle / 1000).toFixed(0)} ms) in ${folded.fromS}–${folded.toS.toFixed(1)} s`,
);
