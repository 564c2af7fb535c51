// bench:alloc-top — where a sampling heap profile's bytes were allocated (bench:cps with
// BENCH_ALLOC_PROFILE_DIR, see bench/alloc-profile.ts): each sample charged to the innermost
// Switchboard function on its stack (apps/*/dist, packages/*/dist), so bytes allocated inside
// node, ioredis or pino count for the call-path code that asked for them; per call when given.
// Usage: pnpm run bench:alloc-top <file.heapprofile> [calls] [rows]
import fs from 'node:fs';

interface HeapNode {
  callFrame: { functionName: string; url: string; lineNumber: number };
  selfSize: number;
  children: HeapNode[];
}

const file = process.argv[2];
if (!file) throw new Error('usage: alloc-top <file.heapprofile> [calls] [rows]');
const calls = Number(process.argv[3] ?? 0);
const rows = Number(process.argv[4] ?? 30);
const head = (JSON.parse(fs.readFileSync(file, 'utf8')) as { head: HeapNode }).head;

const ours = (url: string): string | undefined => {
  if (url.includes('node_modules')) return undefined;
  return /\/(?:apps|packages)\/([^/]+)\/dist\/(.*)$/.exec(url)?.slice(1, 3).join('/');
};
const library = (url: string): string =>
  /node_modules\/(?:\.pnpm\/[^/]+\/node_modules\/)?((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1] ??
  (url.startsWith('node:') ? url : '(native)');

const byOwner = new Map<string, number>();
let total = 0;
// Iterative: a deep stack must not overflow this script's own.
const stack: Array<{ node: HeapNode; owner: string | undefined }> = [{ node: head, owner: undefined }];
while (stack.length > 0) {
  const { node, owner: above } = stack.pop() as { node: HeapNode; owner: string | undefined };
  const { functionName, url, lineNumber } = node.callFrame;
  const where = ours(url);
  const owner = where ? `${functionName || '(anonymous)'} ${where}:${lineNumber + 1}` : above;
  if (node.selfSize > 0) {
    total += node.selfSize;
    const key = owner ?? `(no Switchboard frame: ${library(url)})`;
    byOwner.set(key, (byOwner.get(key) ?? 0) + node.selfSize);
  }
  for (const child of node.children) stack.push({ node: child, owner });
}

const perCall = (bytes: number): string => (calls > 0 ? `${(bytes / calls / 1e3).toFixed(2)} KB/call  ` : '');
console.log(`${(total / 1e6).toFixed(1)} MB sampled${calls > 0 ? `, ${perCall(total).trim()}` : ''}`);
for (const [owner, bytes] of [...byOwner].sort((a, b) => b[1] - a[1]).slice(0, rows)) {
  console.log(
    `${(bytes / 1e6).toFixed(2).padStart(8)} MB ${((100 * bytes) / total).toFixed(1).padStart(5)} %  ${perCall(bytes)}${owner}`,
  );
}
