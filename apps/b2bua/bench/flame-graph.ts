// The pure parts of bench:flame: fold a V8 CPU profile (`node --cpu-prof`) into a tree of merged
// frames, weighted by real time, and lay it out as a self-contained SVG flame graph (no script, no
// external font: GitHub shows it through an <img>, where only plain SVG renders).

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

/** XML text/attribute escaping; characters XML 1.0 forbids are dropped. */
export function escapeXml(s: string): string {
  return s
    .replace(/[^\t\n\r\u0020-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/gu, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** FNV-1a: a stable hash, so a package keeps its hue from one graph to the next. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h;
}

/** Hue range per family: ours blue-green, node and V8 warm, third-party violet, VM pseudo frames grey. */
const FAMILY_HUES: Record<Family, readonly [number, number]> = {
  ours: [150, 215],
  node: [0, 45],
  'third-party': [265, 320],
  vm: [0, 0],
};

export function frameColour(node: Pick<FlameNode, 'pkg' | 'family' | 'name'>): string {
  if (node.family === 'vm') {
    return node.name === '(garbage collector)' ? 'hsl(0,0%,62%)' : 'hsl(0,0%,78%)';
  }
  const [lo, hi] = FAMILY_HUES[node.family];
  const hue = lo + (hash(node.pkg) % (hi - lo + 1));
  // The same hue per package; a little lightness per function tells neighbours apart.
  const light = 58 + (hash(node.name) % 12);
  return `hsl(${hue},${node.family === 'ours' ? 55 : 70}%,${light}%)`;
}

export interface SvgOptions {
  /** Role or run name, first on the title line. */
  title?: string;
  /** Image width in px. */
  width?: number;
  /** Share of the total under which frames are dropped (0.002 = 0.2 %). */
  minShare?: number;
  /** Self-time rows listed under the graph. */
  topRows?: number;
  includeIdle?: boolean;
}

const FRAME_H = 16;
const FONT_PX = 11;
/** Monospace advance at FONT_PX, a little generous so clipped labels never overrun their frame. */
const CHAR_W = FONT_PX * 0.62;
const font = (px = FONT_PX): string =>
  `font-family="DejaVu Sans Mono,Menlo,Consolas,monospace" font-size="${px}"`;

const ms = (us: number): string =>
  (us / 1000).toLocaleString('en-US', { maximumFractionDigits: us < 10_000 ? 1 : 0 });
const pct = (us: number, total: number): string => `${total > 0 ? ((100 * us) / total).toFixed(1) : '0.0'} %`;
const where = (file: string, line: number): string => (file ? ` ${file}${line ? `:${line}` : ''}` : '');

const fitsIn = (text: string, px: number): boolean => text.length * CHAR_W + 6 <= px;

/** A label cut to what fits in `px`, with an ellipsis; '' when not even two characters fit. */
export function clipLabel(text: string, px: number): string {
  const fits = Math.floor((px - 6) / CHAR_W);
  if (fits >= text.length) return text;
  return fits < 3 ? '' : `${text.slice(0, fits - 1)}…`;
}

function depthOf(n: FlameNode): number {
  let d = 0;
  for (const c of n.children) d = Math.max(d, depthOf(c));
  return d + 1;
}

/** The whole SVG document: title lines, the graph (root at the bottom), legend and top self frames. */
export function renderSvg(folded: Folded, options: SvgOptions = {}): string {
  const width = options.width ?? 1200;
  const minShare = options.minShare ?? 0.002;
  const topRows = options.topRows ?? 5;
  const pad = 10;
  const graphW = width - 2 * pad;
  const tree = prune(folded.root, minShare);
  const levels = depthOf(tree) - 1;
  const top = topSelf(folded.root, topRows);

  const window = `${folded.fromS.toFixed(1)}–${folded.toS.toFixed(1)} s`;
  const heading = `${options.title ? `${options.title}: ` : ''}${ms(folded.total)} ms CPU sampled in ${window}`;
  const idleNote = options.includeIdle
    ? `idle ${ms(folded.idle)} ms included`
    : `idle ${ms(folded.idle)} ms not counted`;
  const notes = [
    idleNote,
    'width = inclusive time',
    `frames under ${(100 * minShare).toFixed(1)} % of the total dropped`,
    'merged by function + file + line',
  ];
  // Notes and legend wrap rather than run off a narrow image (a README column is ~880 px).
  const subLines: string[] = [];
  for (const note of notes) {
    const last = subLines.length - 1;
    const joined = last >= 0 ? `${subLines[last]}; ${note}` : note;
    if (last >= 0 && fitsIn(joined, graphW)) subLines[last] = joined;
    else subLines.push(note);
  }
  const legend: [string, string][] = [
    [
      'Switchboard (@switchboard/*, apps/*)',
      frameColour({ pkg: '@switchboard/sip', family: 'ours', name: '' }),
    ],
    ['node internals + V8 builtins', frameColour({ pkg: 'node:net', family: 'node', name: '' })],
    ['third-party (node_modules)', frameColour({ pkg: 'ioredis', family: 'third-party', name: '' })],
    ['(garbage collector)', frameColour({ pkg: '', family: 'vm', name: '(garbage collector)' })],
    ['(program)', frameColour({ pkg: '', family: 'vm', name: '(program)' })],
  ];
  const legendAt: { text: string; fill: string; x: number; row: number }[] = [];
  let lx = pad;
  let row = 0;
  for (const [text, fill] of legend) {
    const w = 16 + text.length * CHAR_W;
    if (lx > pad && lx + w > width - pad) [lx, row] = [pad, row + 1];
    legendAt.push({ text, fill, x: lx, row });
    lx += w + 18;
  }

  const graphTop = 24 + 16 * subLines.length + 6;
  const graphH = levels * FRAME_H;
  const legendY = graphTop + graphH + 20;
  const topY = legendY + 16 * row + 24;
  const height = topY + 16 * (top.length + 1) + pad;

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}">`,
    `<rect x="0" y="0" width="${width}" height="${height}" fill="#fdfdfb"/>`,
    `<text x="${pad}" y="20" ${font(14)} font-weight="bold" fill="#222">${escapeXml(heading)}</text>`,
    ...subLines.map(
      (line, i) => `<text x="${pad}" y="${37 + 16 * i}" ${font()} fill="#555">${escapeXml(line)}</text>`,
    ),
  );

  const scale = folded.total > 0 ? graphW / folded.total : 0;
  const draw = (n: FlameNode, x: number, level: number): void => {
    const w = n.total * scale;
    const y = graphTop + graphH - (level + 1) * FRAME_H;
    const full = `${n.name}${where(n.file, n.line)}`;
    const tip =
      `${full}\n${ms(n.total)} ms inclusive (${pct(n.total, folded.total)}), ` +
      `${ms(n.self)} ms self (${pct(n.self, folded.total)})`;
    // The file too when it fits: `(anonymous)` and `emit` say little alone.
    const label = fitsIn(full, w) ? full : clipLabel(n.name, w);
    out.push(
      `<g><title>${escapeXml(tip)}</title>` +
        `<rect x="${x.toFixed(1)}" y="${y}" width="${Math.max(w - 0.5, 0.5).toFixed(1)}" height="${FRAME_H - 1}" ` +
        `fill="${frameColour(n)}" rx="1"/>` +
        (label
          ? `<text x="${(x + 3).toFixed(1)}" y="${y + FRAME_H - 4.5}" ${font()} fill="#111">${escapeXml(label)}</text>`
          : '') +
        `</g>`,
    );
    let cx = x;
    for (const c of n.children) {
      draw(c, cx, level + 1);
      cx += c.total * scale;
    }
  };
  let x = pad;
  for (const c of tree.children) {
    draw(c, x, 0);
    x += c.total * scale;
  }

  for (const l of legendAt) {
    const y = legendY + 16 * l.row;
    out.push(
      `<rect x="${l.x.toFixed(1)}" y="${y - 10}" width="12" height="12" fill="${l.fill}"/>`,
      `<text x="${(l.x + 16).toFixed(1)}" y="${y}" ${font()} fill="#333">${escapeXml(l.text)}</text>`,
    );
  }

  out.push(
    `<text x="${pad}" y="${topY}" ${font()} font-weight="bold" fill="#222">top ${top.length} by self time</text>`,
  );
  top.forEach((row, i) => {
    const line =
      `${ms(row.us).padStart(8)} ms ${pct(row.us, folded.total).padStart(7)}  ` +
      `${row.name}${where(row.file, row.line)}`;
    out.push(
      `<text x="${pad}" y="${topY + 16 * (i + 1)}" ${font()} fill="#222" xml:space="preserve">${escapeXml(clipLabel(line, graphW))}</text>`,
    );
  });
  out.push('</svg>', '');
  return out.join('\n');
}
