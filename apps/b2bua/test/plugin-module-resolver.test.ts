import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { PluginRegistryError, loadPluginModules } from '@switchboard/plugin-sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pluginImportSpecifier } from '../src/routing/plugin-module-resolver.js';

/** SWITCHBOARD_PLUGINS entries that are paths: checked at boot, a folder loads through its package.json. */
let tmp: string;

function write(file: string, text: string): string {
  const full = path.join(tmp, file);
  fs.mkdirSync(path.dirname(full), { recursive: true });
  fs.writeFileSync(full, text);
  return full;
}

beforeAll(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'sb-plugin-path-'));
});

afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('plugin paths in SWITCHBOARD_PLUGINS', () => {
  it('leaves package names to Node and loads a file path as it is', () => {
    expect(pluginImportSpecifier('@switchboard/plugin-extensions')).toBe('@switchboard/plugin-extensions');
    const file = write('single/plugin.mjs', 'export default {};');
    expect(pluginImportSpecifier(file)).toBe(pathToFileURL(file).href);
  });

  it('loads a plugin folder through its exports (or main), relative paths from the working directory', () => {
    write(
      'night/package.json',
      JSON.stringify({ exports: { '.': { types: './dist/index.d.ts', default: './dist/index.js' } } }),
    );
    const built = write('night/dist/index.js', 'export default {};');
    expect(pluginImportSpecifier(path.join(tmp, 'night'))).toBe(pathToFileURL(built).href);
    expect(pluginImportSpecifier('./night', tmp)).toBe(pathToFileURL(built).href);
    write('legacy/package.json', JSON.stringify({ main: 'lib/main.js' }));
    const main = write('legacy/lib/main.js', 'export default {};');
    expect(pluginImportSpecifier('../legacy', path.join(tmp, 'night'))).toBe(pathToFileURL(main).href);
  });

  it('names the problem: missing path, folder without package.json, plugin not built', () => {
    expect(() => pluginImportSpecifier(path.join(tmp, 'nope'))).toThrow(
      `plugin path ${path.join(tmp, 'nope')} does not exist`,
    );
    fs.mkdirSync(path.join(tmp, 'empty'));
    expect(() => pluginImportSpecifier(path.join(tmp, 'empty'))).toThrow(/has no readable package.json/);
    write('unbuilt/package.json', JSON.stringify({ exports: './dist/index.js' }));
    expect(() => pluginImportSpecifier(path.join(tmp, 'unbuilt'))).toThrow(
      /points at dist\/index.js, which does not exist \(build the plugin first\)/,
    );
  });

  it('a bad path is a start-up error listing it (PluginRegistryError)', async () => {
    const missing = path.join(tmp, 'missing-plugin');
    const load = loadPluginModules([{ module: missing }], (entry) => import(pluginImportSpecifier(entry)));
    await expect(load).rejects.toThrow(PluginRegistryError);
    await expect(load).rejects.toThrow(
      `cannot load plugin module "${missing}": plugin path ${missing} does not exist`,
    );
  });
});
