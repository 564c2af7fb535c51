import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCli } from '../src/cli/switchboard-cli.js';

/**
 * `switchboard plugin new`: needs no database or Redis. That the project it writes installs, builds,
 * passes its test and routes a call in a running PBX is apps/b2bua/test/plugin-kit-sipp.test.ts.
 */
let tmp: string;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await runCli(argv, { out: (t) => (out += t), err: (t) => (err += t), env: {} });
  return { code, out, err };
}

const read = (...parts: string[]): string => fs.readFileSync(path.join(tmp, ...parts), 'utf8');

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-plugin-new-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('switchboard plugin new', () => {
  it('writes package.json, tsconfig, the plugin, a testkit test and a README', async () => {
    const dir = path.join(tmp, 'front-desk');
    const r = await cli('plugin', 'new', 'front-desk', '--dir', dir);
    expect(r).toMatchObject({ code: 0, err: '' });
    expect(r.out).toContain(`wrote plugin "front-desk" to ${dir}`);
    expect(fs.readdirSync(dir, { recursive: true }).sort()).toEqual([
      '.gitignore',
      'README.md',
      'package.json',
      'src',
      'src/index.ts',
      'test',
      'test/plugin.test.ts',
      'tsconfig.json',
    ]);
    const pkg = JSON.parse(read('front-desk', 'package.json')) as Record<string, Record<string, string>>;
    expect(pkg).toMatchObject({
      name: 'switchboard-plugin-front-desk',
      type: 'module',
      scripts: { build: 'tsc -p tsconfig.json', test: 'vitest run' },
      dependencies: { '@switchboard/plugin-sdk': expect.stringMatching(/^\^\d+\.\d+\.\d+$/) as unknown },
    });
    expect(Object.keys(pkg.devDependencies ?? {})).toEqual(['typescript', 'vitest']);
    expect(JSON.parse(read('front-desk', 'tsconfig.json'))).toMatchObject({
      compilerOptions: { module: 'NodeNext', rootDir: 'src', outDir: 'dist' },
    });
    expect(read('front-desk', 'src/index.ts')).toContain("id: 'front-desk'");
    expect(read('front-desk', 'test/plugin.test.ts')).toContain("from '@switchboard/plugin-sdk/testkit'");
  });

  it('--sdk sets the SDK spec (a packed tarball); the folder defaults to ./<name>', async () => {
    const cwd = process.cwd();
    process.chdir(tmp);
    try {
      expect((await cli('plugin', 'new', 'night', '--sdk', 'file:../sdk.tgz')).code).toBe(0);
    } finally {
      process.chdir(cwd);
    }
    const pkg = JSON.parse(read('night', 'package.json')) as { dependencies: Record<string, string> };
    expect(pkg.dependencies).toEqual({ '@switchboard/plugin-sdk': 'file:../sdk.tgz' });
  });

  it('refuses a name that is not a plugin id and a folder that is not empty', async () => {
    expect(await cli('plugin', 'new', 'Front_Desk', '--dir', path.join(tmp, 'x'))).toMatchObject({
      code: 1,
      err: 'switchboard: plugin name "Front_Desk" must be kebab-case (a-z, 0-9, -), e.g. night-service\n',
    });
    expect(fs.existsSync(path.join(tmp, 'x'))).toBe(false);
    const taken = path.join(tmp, 'front-desk');
    expect(await cli('plugin', 'new', 'front-desk', '--dir', taken)).toMatchObject({
      code: 1,
      err: `switchboard: ${taken} is not empty\n`,
    });
  });
});
