// bench:profile-top — the top functions of a V8 CPU profile (`node --cpu-prof`, e.g. bench:cps with
// BENCH_PROFILE_DIR): by self time, and with each sample charged to the innermost Switchboard function
// on its stack (apps/*/dist, packages/*/dist), which shows what our code causes in libraries and node.
// Usage: pnpm run bench:profile-top <file.cpuprofile> [rows]
import fs from 'node:fs';

interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
interface CpuProfile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: profile-top <file.cpuprofile> [rows]');
const rows = Number(process.argv[3] ?? 25);
const profile = JSON.parse(fs.readFileSync(file, 'utf8')) as CpuProfile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parent = new Map<number, number>();
for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

const ours = (url: string): boolean =>
  /\/(apps|packages)\/[^/]+\/dist\//.test(url) && !url.includes('node_modules');
const label = (f: CallFrame): string => {
  const where = f.url
    .replace(/.*node_modules\/\.pnpm\/([^/]+?)(_[^/]*)?\/node_modules\/.*/, '$1')
    .replace(/.*\/(apps|packages)\//, '');
  return `${f.functionName || '(anonymous)'} ${where}${where ? `:${f.lineNumber + 1}` : ''}`;
};
const owners = new Map<number, string>();
function owner(id: number): string {
  const known = owners.get(id);
  if (known !== undefined) return known;
  const node = byId.get(id);
  const up = parent.get(id);
  const result = !node
    ? '?'
    : ours(node.callFrame.url)
      ? label(node.callFrame)
      : up !== undefined
        ? owner(up)
        : '(not under Switchboard code: event loop, I/O callbacks, start-up)';
  owners.set(id, result);
  return result;
}

const self = new Map<string, number>();
const charged = new Map<string, number>();
let busy = 0;
let idle = 0;
profile.samples.forEach((id, i) => {
  const node = byId.get(id);
  const us = profile.timeDeltas[i] ?? 0;
  if (!node) return;
  if (node.callFrame.functionName === '(idle)') {
    idle += us;
    return;
  }
  busy += us;
  const key = label(node.callFrame);
  self.set(key, (self.get(key) ?? 0) + us);
  const gc = node.callFrame.functionName === '(garbage collector)';
  const o = gc ? '(garbage collector)' : owner(id);
  charged.set(o, (charged.get(o) ?? 0) + us);
});

const print = (title: string, m: Map<string, number>): void => {
  console.log(`\n${title}`);
  for (const [k, us] of [...m].sort((a, b) => b[1] - a[1]).slice(0, rows))
    console.log(
      `${(us / 1000).toFixed(0).padStart(7)} ms ${((100 * us) / busy).toFixed(1).padStart(5)} %  ${k}`,
    );
};
console.log(`${file}: busy ${(busy / 1e6).toFixed(1)} s, idle ${(idle / 1e6).toFixed(1)} s`);
print('self time (% of busy)', self);
print('charged to the innermost Switchboard function (% of busy)', charged);
