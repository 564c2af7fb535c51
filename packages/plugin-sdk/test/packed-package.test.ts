// The SDK as a plugin author outside this repository gets it: `pnpm pack` output installed with npm
// into an empty folder, offline (CI has no registry), then imported and type-checked from there.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const run = promisify(execFile);
const packageDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(
  path.dirname(createRequire(import.meta.url).resolve('typescript/package.json')),
  'bin/tsc',
);

let tmp: string;
let tarball: string;
let files: string[];
let packed: { dependencies?: Record<string, string>; exports: unknown; bundleDependencies?: string[] };

/** Every string leaf of an `exports` map: the files it points at. */
function targets(exportsMap: unknown): string[] {
  if (typeof exportsMap === 'string') return [exportsMap];
  if (typeof exportsMap !== 'object' || exportsMap === null) return [];
  return Object.values(exportsMap).flatMap(targets);
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-sdk-pack-'));
  await run('pnpm', ['pack', '--pack-destination', tmp], { cwd: packageDir });
  const name = fs.readdirSync(tmp).find((f) => f.endsWith('.tgz'));
  if (!name) throw new Error(`pnpm pack wrote no tarball into ${tmp}`);
  tarball = path.join(tmp, name);
  files = (await run('tar', ['-tzf', tarball])).stdout.split('\n').filter(Boolean);
  await run('tar', ['-xzf', tarball, '-C', tmp, 'package/package.json']);
  packed = JSON.parse(fs.readFileSync(path.join(tmp, 'package/package.json'), 'utf8')) as typeof packed;
}, 60_000);

afterAll(() => {
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

describe('packed @switchboard/plugin-sdk', () => {
  it('has no workspace or catalog specifiers, and every export target is in the tarball', () => {
    expect(path.basename(tarball)).toMatch(/^switchboard-plugin-sdk-\d+\.\d+\.\d+\.tgz$/);
    const text = fs.readFileSync(path.join(tmp, 'package/package.json'), 'utf8');
    expect(text).not.toMatch(/workspace:|catalog:/);
    const exported = targets(packed.exports);
    expect(exported).toEqual(expect.arrayContaining(['./dist/index.d.ts', './dist/testkit/index.d.ts']));
    for (const target of exported) expect(files).toContain(`package/${target.slice(2)}`);
    // The dependencies are bundled, so an install needs nothing but the tarball.
    expect(packed.bundleDependencies).toEqual(['libphonenumber-js', 'zod']);
    expect(files).toContain('package/node_modules/zod/package.json');
    expect(files).toContain('package/node_modules/libphonenumber-js/package.json');
    expect(files.filter((f) => f.startsWith('package/test/'))).toEqual([]);
  });

  it('installs offline into an empty folder; both entry points import and type-check there', async () => {
    const app = path.join(tmp, 'app');
    fs.mkdirSync(app);
    await run(
      'npm',
      ['install', '--offline', '--no-audit', '--no-fund', '--cache', path.join(tmp, 'npm-cache'), tarball],
      { cwd: app },
    );
    fs.writeFileSync(
      path.join(app, 'check.ts'),
      `import { definePlugin, z, type RoutingDecision } from '@switchboard/plugin-sdk';
import { routeCall, simulatePlan, testCall } from '@switchboard/plugin-sdk/testkit';
const plugin = definePlugin({
  id: 'packed-check',
  version: '1.0.0',
  configSchema: z.strictObject({ target: z.string().default('201') }),
  route: (_call, api): RoutingDecision => ({ steps: [{ type: 'reroute', destination: api.config.target }] }),
});
const r = await routeCall(plugin, testCall('500'));
if (r.pass) throw new Error('expected a plan');
console.log(JSON.stringify(simulatePlan(r.plan, {}).result));
`,
    );
    fs.writeFileSync(
      path.join(app, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          skipLibCheck: true,
          target: 'ES2023',
          module: 'NodeNext',
          strict: true,
          types: [],
          outDir: 'out',
        },
        files: ['check.ts'],
      }),
    );
    const pkg = JSON.parse(fs.readFileSync(path.join(app, 'package.json'), 'utf8')) as Record<
      string,
      unknown
    >;
    fs.writeFileSync(path.join(app, 'package.json'), JSON.stringify({ ...pkg, type: 'module' }));
    await run(process.execPath, [tsc, '-p', app]);
    const { stdout } = await run(process.execPath, [path.join(app, 'out/check.js')], { cwd: app });
    expect(JSON.parse(stdout)).toEqual({ kind: 'reroute', destination: '201' });
  }, 90_000);
});
