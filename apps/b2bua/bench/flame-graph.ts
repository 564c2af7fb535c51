// The folding half of bench:flame: a V8 CPU profile (`node --cpu-prof`) as a tree of merged frames,
// weighted by real time (flame-svg.ts draws it).

export interface CallFrame {
  functionName: string;
  url: string;
  lineNumber: number;
}
export interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  children?: number[];
}
export interface CpuProfile {
  nodes: ProfileNode[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Where a frame's code lives, which decides its colour family. */
export type Family = 'ours' | 'node' | 'third-party' | 'vm';

export interface FlameNode {
  /** Merge key: function name + short file + line. */
  key: string;
  name: string;
  /** Short file (package/path relative, `node:dgram`), '' for V8 builtins and pseudo frames. */
  file: string;
  /** 1-based line, 0 when unknown. */
  line: number;
  /** Package for the colour: `@switchboard/sip`, `apps/b2bua`, `ioredis`, `node:dgram`. */
  pkg: string;
  family: Family;
  /** Inclusive time, µs. */
  total: number;
  /** Self time, µs. */
  self: number;
  children: FlameNode[];
}

export interface FoldOptions {
  /** Window start, seconds from the profile's start (inclusive). */
  fromS?: number;
  /** Window end, seconds from the profile's start (exclusive). */
  toS?: number;
  /** Keep `(idle)` in the graph and the total; by default it is left out of both. */
  includeIdle?: boolean;
}

export interface Folded {
  /** A pseudo root (not drawn) whose children are the stacks' bottom frames. */
  root: FlameNode;
  /** Time sampled in the window, µs (without idle unless includeIdle). */
  total: number;
  /** Idle time in the window, µs (whether or not it is in the total). */
  idle: number;
  samples: number;
  /** The window actually covered, seconds from the profile's start. */
  fromS: number;
  toS: number;
}

const PSEUDO_FRAMES = new Set(['(root)', '(program)', '(idle)', '(garbage collector)']);

/** A profile url made short and machine-independent: package/path relative, or `node:…` as is. */
export function shortUrl(url: string): string {
  if (url === '' || url.startsWith('node:')) return url;
  const path = url.replace(/^file:\/\//, '');
  const nm = path.lastIndexOf('/node_modules/');
  if (nm >= 0) return path.slice(nm + '/node_modules/'.length);
  const plugin = /.*\/packages\/plugins\/([^/]+)\/(.*)$/.exec(path);
  if (plugin) return `@switchboard/plugin-${plugin[1]}/${plugin[2]}`;
  const ws = /.*\/(apps|packages)\/([^/]+)\/(.*)$/.exec(path);
  if (ws) return ws[1] === 'apps' ? `apps/${ws[2]}/${ws[3]}` : `@switchboard/${ws[2]}/${ws[3]}`;
  return path.split('/').slice(-2).join('/');
}

/** The package a short file belongs to, and its colour family. */
export function packageOf(file: string, functionName: string): { pkg: string; family: Family } {
  if (file === '') {
    return PSEUDO_FRAMES.has(functionName)
      ? { pkg: functionName, family: 'vm' }
      : { pkg: '(V8 builtin)', family: 'node' };
  }
  if (file.startsWith('node:')) return { pkg: file.replace(/\.js$/, ''), family: 'node' };
  const parts = file.split('/');
  const scoped = parts[0]?.startsWith('@') === true;
  const pkg = parts.slice(0, scoped ? 2 : 1).join('/');
  if (pkg.startsWith('@switchboard/')) return { pkg, family: 'ours' };
  if (parts[0] === 'apps') return { pkg: parts.slice(0, 2).join('/'), family: 'ours' };
  return { pkg, family: 'third-party' };
}

function newNode(cf: CallFrame | undefined): FlameNode {
  if (!cf) {
    return {
      key: '',
      name: 'all',
      file: '',
      line: 0,
      pkg: '',
      family: 'vm',
      total: 0,
      self: 0,
      children: [],
    };
  }
  const name = cf.functionName || '(anonymous)';
  const file = shortUrl(cf.url);
  const line = file === '' ? 0 : cf.lineNumber + 1;
  const { pkg, family } = packageOf(file, name);
  return {
    key: `${name}\u0000${file}\u0000${line}`,
    name,
    file,
    line,
    pkg,
    family,
    total: 0,
    self: 0,
    children: [],
  };
}

/**
 * Folds the samples into a tree of frames merged by name + short file + line. Each sample weighs its
 * `timeDeltas` entry (the time since the sample before it, as bench:profile-top and prof_*.py count),
 * so stretches where the sampler fell behind count for their real length; the window selects samples
 * by their timestamp, seconds from the profile's start.
 */
export function foldProfile(profile: CpuProfile, options: FoldOptions = {}): Folded {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);

  const fromUs = (options.fromS ?? 0) * 1e6;
  const toUs = options.toS === undefined ? Infinity : options.toS * 1e6;
  const weightById = new Map<number, number>();
  let t = 0;
  let samples = 0;
  profile.samples.forEach((id, i) => {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t >= toUs) return;
    samples += 1;
    weightById.set(id, (weightById.get(id) ?? 0) + Math.max(0, delta));
  });

  const root = newNode(undefined);
  const index = new Map<FlameNode, Map<string, FlameNode>>();
  const childOf = (node: FlameNode, cf: CallFrame): FlameNode => {
    let kids = index.get(node);
    if (!kids) index.set(node, (kids = new Map<string, FlameNode>()));
    const fresh = newNode(cf);
    const known = kids.get(fresh.key);
    if (known) return known;
    kids.set(fresh.key, fresh);
    node.children.push(fresh);
    return fresh;
  };

  let total = 0;
  let idle = 0;
  for (const [id, us] of weightById) {
    const leaf = byId.get(id);
    if (!leaf) continue;
    const stack: CallFrame[] = [];
    for (let at: number | undefined = id; at !== undefined; at = parent.get(at)) {
      const node = byId.get(at);
      if (node && node.callFrame.functionName !== '(root)') stack.push(node.callFrame);
    }
    if (leaf.callFrame.functionName === '(idle)') {
      idle += us;
      if (!options.includeIdle) continue;
    }
    total += us;
    root.total += us;
    let node = root;
    for (let i = stack.length - 1; i >= 0; i--) {
      const cf = stack[i];
      if (!cf) continue;
      node = childOf(node, cf);
      node.total += us;
    }
    node.self += us;
  }
  sortTree(root);
  const endS = profile.timeDeltas.reduce((a, d) => a + d, 0) / 1e6;
  return {
    root,
    total,
    idle,
    samples,
    fromS: options.fromS ?? 0,
    toS: Math.min(options.toS ?? endS, endS),
  };
}

/** Widest first (ties by key) so the picture does not depend on the profile's node order. */
function sortTree(node: FlameNode): void {
  node.children.sort((a, b) => b.total - a.total || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  for (const c of node.children) sortTree(c);
}

/**
 * Drops frames narrower than `minShare` of the root (with everything above them); their time stays in
 * the parent's width, so what remains is still to scale. Returns a pruned copy.
 */
export function prune(root: FlameNode, minShare: number): FlameNode {
  const min = root.total * minShare;
  const copy = (n: FlameNode): FlameNode => ({
    ...n,
    children: n.children.filter((c) => c.total >= min && c.total > 0).map(copy),
  });
  return copy(root);
}

export interface SelfRow {
  name: string;
  file: string;
  line: number;
  us: number;
}

/** Self time per frame (name + file + line) summed over every stack it appears in, largest first. */
export function topSelf(root: FlameNode, rows: number): SelfRow[] {
  const byKey = new Map<string, SelfRow>();
  const walk = (n: FlameNode): void => {
    if (n !== root && n.self > 0) {
      const row = byKey.get(n.key);
      if (row) row.us += n.self;
      else byKey.set(n.key, { name: n.name, file: n.file, line: n.line, us: n.self });
    }
    for (const c of n.children) walk(c);
  };
  walk(root);
  return [...byKey.values()].sort((a, b) => b.us - a.us).slice(0, rows);
}
