/**
 * Side-by-side benchmark: @switchboard/sdp vs sdp-transform vs @webex/ts-sdp on three bodies,
 * for parse, serialize and parse+serialize. Run with `pnpm bench` (compiles, then runs on Node).
 * Env: BENCH_ROUNDS (default 7), BENCH_MS per measurement (default 250). Reports medians.
 */
import { createRequire } from 'node:module';
import type * as SdpTransform from 'sdp-transform';
import type * as WebexSdp from '@webex/ts-sdp';
import { parseSdp } from '../src/index.js';
import { AUDIO_BODY, AUDIO_VIDEO_BODY, WEBRTC_OFFER_BODY } from '../test/fixtures/sample-bodies.js';

const require = createRequire(import.meta.url);
const sdpTransform = require('sdp-transform') as typeof SdpTransform;
const webex = require('@webex/ts-sdp') as typeof WebexSdp;

interface Library {
  name: string;
  parse: (text: string) => unknown;
  serialize: (parsed: unknown) => string;
}

const LIBRARIES: Library[] = [
  {
    name: '@switchboard/sdp',
    parse: (t) => parseSdp(t),
    serialize: (p) => (p as ReturnType<typeof parseSdp>).toString(),
  },
  {
    name: 'sdp-transform',
    parse: (t) => sdpTransform.parse(t),
    serialize: (p) => sdpTransform.write(p as Record<string, unknown>),
  },
  {
    name: '@webex/ts-sdp',
    parse: (t) => webex.parse(t),
    serialize: (p) => (p as WebexSdp.Sdp).toString(),
  },
];

const BODIES: [string, string][] = [
  ['audio', AUDIO_BODY],
  ['audio+video', AUDIO_VIDEO_BODY],
  ['WebRTC offer', WEBRTC_OFFER_BODY],
];

type Op = 'parse' | 'serialize' | 'parse+serialize';
const OPS: Op[] = ['parse', 'serialize', 'parse+serialize'];

const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const MS = Number(process.env.BENCH_MS ?? 250);
let sink = 0;

function runner(lib: Library, op: Op, body: string): () => void {
  const parsed = lib.parse(body);
  switch (op) {
    case 'parse':
      return () => {
        sink += lib.parse(body) === undefined ? 0 : 1;
      };
    case 'serialize':
      return () => {
        sink += lib.serialize(parsed).length;
      };
    case 'parse+serialize':
      return () => {
        sink += lib.serialize(lib.parse(body)).length;
      };
  }
}

/**
 * Operations per CPU-second of this process, measured over about MS ms of wall time in batches of
 * 64. CPU time rather than wall time because the machine is shared: time spent descheduled while
 * other processes run would otherwise be charged to whichever library happened to be measured.
 */
function measure(fn: () => void): number {
  const end = performance.now() + MS;
  let ops = 0;
  const cpu0 = process.cpuUsage();
  do {
    for (let i = 0; i < 64; i++) fn();
    ops += 64;
  } while (performance.now() < end);
  const cpu = process.cpuUsage(cpu0);
  return (ops * 1e6) / Math.max(1, cpu.user + cpu.system);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 ? (s[mid] ?? 0) : ((s[mid - 1] ?? 0) + (s[mid] ?? 0)) / 2;
}

function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

function main(): void {
  console.log(
    `node ${process.version}, ${ROUNDS} rounds x ${MS} ms, median ops per CPU-second (higher is better)\n`,
  );
  console.log('Lossless (serialize(parse(body)) === body):');
  for (const [bodyName, body] of BODIES) {
    const cells = LIBRARIES.map((l) => `${l.name}: ${l.serialize(l.parse(body)) === body ? 'yes' : 'NO'}`);
    console.log(`  ${bodyName.padEnd(13)} ${cells.join('  ')}`);
  }
  console.log('');
  const header = ['body', 'op', ...LIBRARIES.map((l) => l.name), 'vs sdp-transform', 'vs @webex/ts-sdp'];
  const rows: string[][] = [];
  for (const [bodyName, body] of BODIES) {
    for (const op of OPS) {
      const fns = LIBRARIES.map((l) => runner(l, op, body));
      for (const fn of fns) measure(fn); // warm-up
      const samples: number[][] = LIBRARIES.map(() => []);
      // Interleave the libraries inside each round so that machine noise hits them alike.
      for (let r = 0; r < ROUNDS; r++) fns.forEach((fn, i) => samples[i]?.push(measure(fn)));
      const med = samples.map(median);
      const ours = med[0] ?? 0;
      rows.push([
        bodyName,
        op,
        ...med.map(fmt),
        `${(ours / (med[1] ?? 1)).toFixed(1)}x`,
        `${(ours / (med[2] ?? 1)).toFixed(1)}x`,
      ]);
    }
  }
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells.map((c, i) => (i < 2 ? c.padEnd(widths[i] ?? 0) : c.padStart(widths[i] ?? 0))).join(' | ');
  console.log(line(header));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const r of rows) console.log(line(r));
  if (sink === 42) console.log(''); // keeps the results observable so the work is not optimised away
}

main();
