// Runs in its own process for one library: checks that it handles the corpus, then times
// parse, parse+touch and re-serialization over whole passes of the corpus.
import { loadAdapter } from './adapters.js';
import { buildCorpus } from './corpus.js';

export interface WorkerResult {
  library: string;
  corpusMessages: number;
  corpusBytes: number;
  /** Bytes of one pass over the messages the library handled. */
  passBytes: number;
  passMessages: number;
  failures: string[];
  parse: Timing;
  parseTouch: Timing;
  reserialize: Timing | null;
  build: Timing | null;
}

export interface Timing {
  messages: number;
  cpuSeconds: number;
  wallSeconds: number;
}

const library = process.argv[2] ?? '@switchboard/sip';
const seconds = Number(process.argv[3] ?? '1');

function time(inputs: unknown[], fn: (input: unknown) => unknown): Timing {
  let sink = 0;
  // Warm up as long as we measure: on a busy machine the optimizing compiler (a background
  // thread) needs a while, and measuring before it is done would time the interpreter.
  const warmUntil = process.hrtime.bigint() + BigInt(Math.round(seconds * 1e9));
  while (process.hrtime.bigint() < warmUntil) {
    for (const input of inputs) sink += fn(input) === undefined ? 0 : 1;
  }
  const cpu0 = process.cpuUsage();
  const wall0 = process.hrtime.bigint();
  let messages = 0;
  let wall = 0;
  do {
    for (const input of inputs) sink += fn(input) === undefined ? 0 : 1;
    messages += inputs.length;
    wall = Number(process.hrtime.bigint() - wall0) / 1e9;
  } while (wall < seconds);
  const cpu = process.cpuUsage(cpu0);
  if (sink < 0) console.error('unreachable');
  return { messages, cpuSeconds: (cpu.user + cpu.system) / 1e6, wallSeconds: wall };
}

async function main(): Promise<void> {
  const adapter = await loadAdapter(library);
  const corpus = buildCorpus();
  const inputs = corpus.map((c) => adapter.prepare(c.bytes));
  const failures: string[] = [];
  corpus.forEach((c, i) => {
    try {
      const touched = adapter.touch(inputs[i]);
      if (touched[2] === undefined || touched[3] === undefined || touched[4] === undefined)
        failures.push(c.name);
    } catch {
      failures.push(c.name);
    }
  });
  const usable = inputs.filter((_, i) => !failures.includes(corpus[i]!.name));
  const parse = time(usable, (input) => adapter.parse(input));
  const parseTouch = time(usable, (input) => adapter.touch(input));
  let reserialize: Timing | null = null;
  const reser = adapter.reserialize;
  if (reser) {
    const parsed = usable.map((input) => adapter.parse(input));
    reserialize = time(parsed, (m) => reser(m));
  }
  const build = adapter.build ? time([0], () => adapter.build?.()) : null;
  const result: WorkerResult = {
    library,
    corpusMessages: corpus.length,
    corpusBytes: corpus.reduce((n, c) => n + c.bytes.length, 0),
    passBytes: corpus.filter((c) => !failures.includes(c.name)).reduce((n, c) => n + c.bytes.length, 0),
    passMessages: usable.length,
    failures,
    parse,
    parseTouch,
    reserialize,
    build,
  };
  process.stdout.write(`${JSON.stringify(result)}\n`);
}

await main();
