import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { PASS, PluginRegistry, PluginRegistryError, definePlugin, loadPluginModules } from '../src/index.js';

const schema = z.object({ ringTimeoutSeconds: z.number().int().min(1).default(20) });
const a = definePlugin({ id: 'alpha', version: '1.0.0', configSchema: schema, route: () => PASS });
const b = definePlugin({
  id: 'beta',
  version: '2.0.0',
  description: 'B',
  configSchema: z.object({}),
  route: () => PASS,
});

function problemsOf(fn: () => unknown): readonly string[] {
  try {
    fn();
  } catch (err) {
    if (err instanceof PluginRegistryError) return err.problems;
    throw err;
  }
  throw new Error('expected PluginRegistryError');
}

describe('PluginRegistry', () => {
  it('keeps chain order, parses config with defaults, leaves disabled plugins out of the chain', () => {
    const r = PluginRegistry.create([{ plugin: a }, { plugin: b, enabled: false }]);
    expect(r.chain.map((p) => p.plugin.id)).toEqual(['alpha']);
    expect(r.get('alpha')?.config).toEqual({ ringTimeoutSeconds: 20 });
    expect(r.describe().map((d) => [d.id, d.enabled])).toEqual([
      ['alpha', true],
      ['beta', false],
    ]);
  });

  it('describes the config as JSON Schema for the admin form', () => {
    const [desc] = PluginRegistry.create([{ plugin: a }]).describe();
    expect(desc?.configJsonSchema).toMatchObject({
      type: 'object',
      properties: { ringTimeoutSeconds: { type: 'integer', minimum: 1, default: 20 } },
    });
  });

  it('lists every problem at once: duplicate ids, bad config, bad id, non-plugins', () => {
    const bad = definePlugin({ id: 'Bad_Id', version: '1', configSchema: z.object({}), route: () => PASS });
    const problems = problemsOf(() =>
      PluginRegistry.create([
        { plugin: a },
        { plugin: a },
        { plugin: a, config: { ringTimeoutSeconds: 0 } },
        { plugin: bad },
        { plugin: { id: 'fake' } as never },
      ]),
    );
    expect(problems).toEqual([
      'plugin id "alpha" is registered twice',
      'plugin id "alpha" is registered twice',
      'plugin "alpha" config ringTimeoutSeconds: Too small: expected number to be >=1',
      'plugin id "Bad_Id" must be kebab-case (a-z, 0-9, -)',
      'entry 4 is not a plugin made with definePlugin()',
    ]);
  });
});

describe('loadPluginModules', () => {
  it('loads default exports by module name with their config', async () => {
    const modules: Record<string, unknown> = { 'pkg-a': { default: a }, '/abs/b.js': { plugin: b } };
    const entries = await loadPluginModules(
      [
        { module: 'pkg-a', config: { ringTimeoutSeconds: 5 } },
        { module: '/abs/b.js', enabled: false },
      ],
      (s) => Promise.resolve(modules[s]),
    );
    expect(entries.map((e) => [e.plugin.id, e.config, e.enabled])).toEqual([
      ['alpha', { ringTimeoutSeconds: 5 }, undefined],
      ['beta', undefined, false],
    ]);
  });

  it('says which module failed and why', async () => {
    const err = await loadPluginModules([{ module: 'missing-pkg' }, { module: 'not-a-plugin' }], (s) =>
      s === 'missing-pkg'
        ? Promise.reject(new Error('Cannot find package'))
        : Promise.resolve({ default: 42 }),
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginRegistryError);
    expect((err as PluginRegistryError).problems).toEqual([
      'cannot load plugin module "missing-pkg": Cannot find package',
      'module "not-a-plugin" has no plugin as its default export (use definePlugin())',
    ]);
  });
});
