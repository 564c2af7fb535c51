import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import {
  PASS,
  PluginFailureError,
  PluginRegistry,
  definePlugin,
  routeThroughChain,
  type PluginRun,
} from '../src/index.js';
import { createTestApi, testCall } from '../src/testkit/index.js';

const passer = definePlugin({ id: 'passer', version: '1', configSchema: z.object({}), route: () => PASS });
const rejecter = definePlugin({
  id: 'rejecter',
  version: '1',
  configSchema: z.object({ status: z.number().default(404) }),
  route: (_call, api) => ({ steps: [{ type: 'reject', status: api.config.status }] }),
});

const apiFor = (entry: { config: unknown }) => createTestApi(entry.config);

describe('routeThroughChain', () => {
  it('skips plugins that pass; the first plan wins', async () => {
    const r = PluginRegistry.create([{ plugin: passer }, { plugin: rejecter, config: { status: 403 } }]);
    const result = await routeThroughChain(r, testCall('201'), apiFor);
    expect(result).toEqual({ pluginId: 'rejecter', plan: { steps: [{ type: 'reject', status: 403 }] } });
  });

  it('returns undefined when every plugin passed', async () => {
    const r = PluginRegistry.create([{ plugin: passer }]);
    expect(await routeThroughChain(r, testCall('201'), apiFor)).toBeUndefined();
  });

  it('turns a throwing plugin into PluginFailureError(threw)', async () => {
    const thrower = definePlugin({
      id: 'thrower',
      version: '1',
      configSchema: z.object({}),
      route: () => {
        throw new Error('database down');
      },
    });
    const err = await routeThroughChain(
      PluginRegistry.create([{ plugin: thrower }]),
      testCall('1'),
      apiFor,
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(PluginFailureError);
    expect(err).toMatchObject({
      pluginId: 'thrower',
      kind: 'threw',
      message: 'plugin "thrower" threw: database down',
    });
  });

  it('turns an invalid plan into PluginFailureError(invalid-plan)', async () => {
    const sloppy = definePlugin({
      id: 'sloppy',
      version: '1',
      configSchema: z.object({}),
      route: () => ({ steps: [{ type: 'reject', status: 99 }] }),
    });
    const err = await routeThroughChain(
      PluginRegistry.create([{ plugin: sloppy }]),
      testCall('1'),
      apiFor,
    ).catch((e: unknown) => e);
    expect(err).toMatchObject({ kind: 'invalid-plan', pluginId: 'sloppy' });
  });

  it('enforces the time budget with the injected timer', async () => {
    const slow = definePlugin({
      id: 'slow',
      version: '1',
      configSchema: z.object({}),
      route: () => new Promise<never>(() => undefined),
    });
    let fire: (() => void) | undefined;
    const pending = routeThroughChain(PluginRegistry.create([{ plugin: slow }]), testCall('1'), apiFor, {
      timeoutMs: 250,
      schedule: (_ms, fn) => {
        fire = fn;
        return { cancel: () => undefined };
      },
    }).catch((e: unknown) => e);
    fire?.();
    expect(await pending).toMatchObject({
      kind: 'timeout',
      message: 'plugin "slow" exceeded its 250 ms budget',
    });
  });

  it("times each plugin's turn on the injected clock and tells the host how it ended", async () => {
    let t = 0;
    const slowPasser = definePlugin({
      id: 'slow-passer',
      version: '1',
      configSchema: z.object({}),
      route: () => {
        t += 7;
        return PASS;
      },
    });
    const sloppy = definePlugin({
      id: 'sloppy',
      version: '1',
      configSchema: z.object({}),
      route: () => {
        t += 3;
        return { steps: [{ type: 'reject', status: 99 }] };
      },
    });
    const runs: PluginRun[] = [];
    const options = { now: () => t, onPluginRun: (run: PluginRun) => runs.push(run) };
    const plan = PluginRegistry.create([{ plugin: slowPasser }, { plugin: rejecter, config: {} }]);
    await routeThroughChain(plan, testCall('1'), apiFor, options);
    const broken = PluginRegistry.create([{ plugin: sloppy }]);
    await routeThroughChain(broken, testCall('1'), apiFor, options).catch(() => undefined);
    expect(runs).toEqual([
      { pluginId: 'slow-passer', outcome: 'pass', ms: 7 },
      { pluginId: 'rejecter', outcome: 'plan', ms: 0 },
      { pluginId: 'sloppy', outcome: 'invalid-plan', ms: 3 },
    ]);
  });
});
