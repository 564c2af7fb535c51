// The drawing half of bench:flame: a folded profile (flame-graph.ts) as a self-contained SVG flame
// graph (no script, no external font: GitHub shows it through an <img>, where only plain SVG renders).
import { escapeXml } from '../src/lamps/dialog-info-body.js';
import { prune, topSelf, type Family, type FlameNode, type Folded } from './flame-graph.js';

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
