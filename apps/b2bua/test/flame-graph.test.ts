import { describe, expect, it } from 'vitest';
import {
  foldProfile,
  packageOf,
  prune,
  shortUrl,
  topSelf,
  type CpuProfile,
  type FlameNode,
} from '../bench/flame-graph.js';
import { renderSvg } from '../bench/flame-svg.js';
import { escapeXml } from '../src/lamps/dialog-info-body.js';

const APP = 'file:///work/app/apps/b2bua/dist/calls/x.js';
const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber });

/**
 * root → main → foo (two V8 nodes, same function and line: they merge) → bar; main → `a<b> &c`,
 * main → tiny; root → GC, idle. Samples weigh 1 to 3 s each, so counting them would give other shares.
 */
const PROFILE: CpuProfile = {
  startTime: 0,
  endTime: 10_020_000,
  nodes: [
    { id: 1, callFrame: frame('(root)'), children: [2, 6, 7] },
    { id: 2, callFrame: frame('main', APP, 9), children: [3, 5, 8, 9] },
    { id: 3, callFrame: frame('foo', APP, 19), children: [4] },
    { id: 4, callFrame: frame('bar', 'node:dgram', 686) },
    { id: 5, callFrame: frame('foo', APP, 19) },
    { id: 6, callFrame: frame('(garbage collector)') },
    { id: 7, callFrame: frame('(idle)') },
    { id: 8, callFrame: frame('a<b> &c', APP, 29) },
    { id: 9, callFrame: frame('tiny', APP, 39) },
  ],
  // Sample times (s): 1, 4, 5, 7, 9, 10, 10.02.
  samples: [4, 3, 5, 6, 7, 8, 9],
  timeDeltas: [1e6, 3e6, 1e6, 2e6, 2e6, 1e6, 20_000],
};

const child = (n: FlameNode, name: string): FlameNode | undefined => n.children.find((c) => c.name === name);

/** Enough of XML 1.0 to catch what a generator gets wrong: nesting, quoting, stray `<` and `&`. */
function checkWellFormed(xml: string): void {
  const stack: string[] = [];
  const entity = /&(?!(?:amp|lt|gt|quot|apos|#\d+);)/;
  let roots = 0;
  for (const [chunk] of xml.matchAll(/<[^>]*>|[^<]+/g)) {
    if (!chunk.startsWith('<')) {
      if (entity.test(chunk)) throw new Error(`stray & in text: ${chunk}`);
      if (stack.length === 0 && chunk.trim() !== '') throw new Error(`text outside the root: ${chunk}`);
      continue;
    }
    const tag = /^<(\/?)([A-Za-z][\w:.-]*)((?:\s+[\w:.-]+="[^"<]*")*)\s*(\/?)>$/.exec(chunk);
    if (!tag) throw new Error(`malformed tag: ${chunk}`);
    const [, close, name = '', attrs = '', selfClose] = tag;
    if (entity.test(attrs)) throw new Error(`stray & in attribute: ${chunk}`);
    const names = [...attrs.matchAll(/([\w:.-]+)="/g)].map((m) => m[1]);
    if (new Set(names).size !== names.length) throw new Error(`duplicate attribute: ${chunk}`);
    if (close) {
      if (stack.pop() !== name) throw new Error(`unbalanced </${name}>`);
    } else {
      if (stack.length === 0) roots += 1;
      if (!selfClose) stack.push(name);
    }
  }
  if (stack.length > 0 || roots !== 1) throw new Error(`not one closed root element: ${stack.join(' ')}`);
}

describe('flame graph', () => {
  it('weighs each sample by its time delta and merges frames with the same name, file and line', () => {
    const folded = foldProfile(PROFILE);
    expect(folded.total).toBe(8_020_000); // idle left out
    expect(folded.idle).toBe(2_000_000);
    expect(folded.samples).toBe(7);
    const main = child(folded.root, 'main');
    expect(main).toMatchObject({ total: 6_020_000, self: 0, file: 'apps/b2bua/dist/calls/x.js', line: 10 });
    const foos = main?.children.filter((c) => c.name === 'foo') ?? [];
    expect(foos).toHaveLength(1);
    expect(foos[0]).toMatchObject({ total: 5_000_000, self: 4_000_000 });
    expect(child(foos[0] as FlameNode, 'bar')).toMatchObject({
      total: 1_000_000,
      file: 'node:dgram',
      line: 687,
    });
    // GC is its own root; idle is not in the graph unless asked for.
    expect(folded.root.children.map((c) => c.name)).toEqual(['main', '(garbage collector)']);
    const withIdle = foldProfile(PROFILE, { includeIdle: true });
    expect(withIdle.total).toBe(10_020_000);
    expect(child(withIdle.root, '(idle)')?.total).toBe(2_000_000);
  });

  it('keeps only the samples whose time falls in [from, to)', () => {
    const folded = foldProfile(PROFILE, { fromS: 4, toS: 7 });
    expect(folded.samples).toBe(2);
    expect(folded.total).toBe(4_000_000);
    expect(folded.root.children.map((c) => c.name)).toEqual(['main']);
    expect(child(child(folded.root, 'main') as FlameNode, 'foo')?.self).toBe(4_000_000);
    expect([folded.fromS, folded.toS]).toEqual([4, 7]);
  });

  it('drops frames under the minimum share, and ranks self time over all stacks', () => {
    const folded = foldProfile(PROFILE);
    const main = (root: FlameNode) => child(root, 'main') as FlameNode;
    expect(child(main(prune(folded.root, 0.002)), 'tiny')).toBeDefined(); // 0.25 %
    expect(child(main(prune(folded.root, 0.01)), 'tiny')).toBeUndefined();
    expect(child(main(folded.root), 'tiny')).toBeDefined(); // pruning copies
    expect(topSelf(folded.root, 2).map((r) => [r.name, r.us])).toEqual([
      ['foo', 4_000_000],
      ['(garbage collector)', 2_000_000],
    ]);
  });

  it('shortens urls to package-relative paths and colours by package family', () => {
    const pnpm = 'file:///w/node_modules/.pnpm/ioredis@5.4.1/node_modules/ioredis/built/Redis.js';
    expect(shortUrl(pnpm)).toBe('ioredis/built/Redis.js');
    expect(shortUrl('file:///w/node_modules/.pnpm/@prisma+client@6/node_modules/@prisma/client/r.js')).toBe(
      '@prisma/client/r.js',
    );
    expect(shortUrl('file:///w/packages/sip/dist/parser.js')).toBe('@switchboard/sip/dist/parser.js');
    expect(shortUrl('file:///w/packages/plugins/ivr/dist/i.js')).toBe('@switchboard/plugin-ivr/dist/i.js');
    expect(shortUrl(APP)).toBe('apps/b2bua/dist/calls/x.js');
    expect(shortUrl('node:dgram')).toBe('node:dgram');
    expect(packageOf('@switchboard/sip/dist/parser.js', 'parse')).toEqual({
      pkg: '@switchboard/sip',
      family: 'ours',
    });
    expect(packageOf('apps/b2bua/dist/x.js', 'f')).toEqual({ pkg: 'apps/b2bua', family: 'ours' });
    expect(packageOf('@prisma/client/r.js', 'f')).toEqual({ pkg: '@prisma/client', family: 'third-party' });
    expect(packageOf('node:dgram', 'doSend')).toEqual({ pkg: 'node:dgram', family: 'node' });
    expect(packageOf('', '(garbage collector)').family).toBe('vm');
  });

  it('renders well-formed SVG with escaped names, a title line and the top self frames', () => {
    expect(escapeXml(`a<b> &c "d" 'e'\u0001`)).toBe('a&lt;b&gt; &amp;c &quot;d&quot; &apos;e&apos;');
    const svg = renderSvg(foldProfile(PROFILE), { title: 'signalling & co', minShare: 0.01 });
    checkWellFormed(svg);
    expect(() => checkWellFormed('<svg><text>a<b> &c</text></svg>')).toThrow();
    expect(svg).not.toContain('a<b>');
    expect(svg).toContain('<title>a&lt;b&gt; &amp;c apps/b2bua/dist/calls/x.js:30');
    expect(svg).toContain('signalling &amp; co: 8,020 ms CPU sampled in 0.0–10.0 s');
    expect(svg).toContain('idle 2,000 ms not counted');
    expect(svg).toContain('foo apps/b2bua/dist/calls/x.js:20');
    expect(svg).not.toContain('<title>tiny'); // 0.25 % < 1 %
    expect(svg).not.toContain('<script');
    // Root at the bottom: main's frame sits below foo's.
    const y = (name: string) =>
      Number(new RegExp(`<title>${name} [^<]*</title><rect x="[\\d.]+" y="(\\d+)"`).exec(svg)?.[1]);
    expect(y('main')).toBeGreaterThan(y('foo'));
  });
});
