// Runs parse or parse+touch over the corpus a given number of times, for counting executed
// instructions under valgrind (deterministic where timings on the shared machine are not):
//   valgrind --tool=cachegrind --cache-sim=no --smc-check=all-non-file --cachegrind-out-file=/dev/null \
//     node dist/bench/bench/instruction-count.js [library] [parse|touch] ITERATIONS
// Run it with two iteration counts and divide the difference by the extra messages, so
// start-up and JIT warm-up cancel out (see README.md, "Instruction counts").
import { loadAdapter } from './adapters.js';
import { buildCorpus } from './corpus.js';

const library = process.argv[2] ?? '@switchboard/sip';
const mode = process.argv[3] ?? 'touch';
const iterations = Number(process.argv[4] ?? '1000');
const adapter = await loadAdapter(library);
const inputs = buildCorpus().map((c) => adapter.prepare(c.bytes));
const run = (input: unknown): unknown => (mode === 'parse' ? adapter.parse(input) : adapter.touch(input));
let sink = 0;
for (let i = 0; i < iterations; i++) for (const input of inputs) sink += run(input) === undefined ? 0 : 1;
if (sink < 0) console.error('unreachable');
