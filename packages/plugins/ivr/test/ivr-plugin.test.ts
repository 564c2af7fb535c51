import { describe, expect, it } from 'vitest';
import type { MenuInfo } from '@switchboard/plugin-sdk';
import { routeCall, simulatePlan, testCall } from '@switchboard/plugin-sdk/testkit';
import plugin from '../src/index.js';

const MAIN = '3b0f3f43-2f7e-4c55-9d1c-6a2f3b9e1a01';
const OLD = '3b0f3f43-2f7e-4c55-9d1c-6a2f3b9e1a02';
const menus: MenuInfo[] = [
  { id: MAIN, number: '8000', name: 'Main menu', enabled: true },
  { id: OLD, number: '8001', name: 'Old menu', enabled: false },
];
const world = { menus };

describe('ivr plugin', () => {
  it('routes a menu number to menu(id), which the plan runs as its end', async () => {
    const result = await routeCall(plugin, testCall('8000'), { world });
    expect(result.pass).toBe(false);
    if (result.pass) return;
    expect(result.plan.steps).toEqual([{ type: 'menu', menu: MAIN }]);
    expect(simulatePlan(result.plan, {}).result).toEqual({ kind: 'menu', menu: MAIN });
    const logged = result.logs.find((l) => l.msg === 'auto attendant');
    expect(logged?.fields).toMatchObject({ number: '8000', menu: MAIN });
  });

  it('passes other numbers on', async () => {
    expect((await routeCall(plugin, testCall('201'), { world })).pass).toBe(true);
    expect((await routeCall(plugin, testCall('8000'), { world: {} })).pass).toBe(true);
  });

  it('answers 480 for a disabled menu, or passes it when configured so', async () => {
    const rejected = await routeCall(plugin, testCall('8001'), { world });
    expect(rejected.pass ? undefined : rejected.plan.steps).toEqual([
      { type: 'reject', status: 480, reason: 'Menu Disabled' },
    ]);
    const passed = await routeCall(plugin, testCall('8001'), { world, config: { disabledMenu: 'pass' } });
    expect(passed.pass).toBe(true);
  });

  it('refuses a config with an unknown disabledMenu value', async () => {
    await expect(
      routeCall(plugin, testCall('8000'), { world, config: { disabledMenu: 'ring' } }),
    ).rejects.toThrow(/disabledMenu/);
  });
});
