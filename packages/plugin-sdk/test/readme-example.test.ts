// The plugin of README.md §1 and its test of §2, kept here so the author kit stays true.
import fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { PASS, definePlugin, z, type RoutingDecision } from '../src/index.js';
import { routeCall, simulatePlan, testCall, type TestWorld } from '../src/testkit/index.js';

const configSchema = z.strictObject({
  mainNumber: z
    .string()
    .regex(/^[0-9]+$/)
    .default('500'),
  openFrom: z.number().int().min(0).max(23).default(8),
  openUntil: z.number().int().min(1).max(24).default(18),
  nightMailbox: z
    .string()
    .regex(/^[0-9]+$/)
    .default('200'),
});

const plugin = definePlugin({
  id: 'night-service',
  version: '1.0.0',
  description: 'Main number to the night mailbox outside opening hours',
  configSchema,
  route(call, api): RoutingDecision {
    if (call.destination !== api.config.mainNumber) return PASS;
    const hour = api.now().getHours();
    if (hour >= api.config.openFrom && hour < api.config.openUntil) return PASS;
    api.log.info('night service', { callId: call.callId });
    return { steps: [{ type: 'voicemail', mailbox: api.config.nightMailbox }] };
  },
});

const at = (local: string): TestWorld => ({
  extensions: [{ number: '200', hasVoicemail: true }],
  now: new Date(local),
});

describe('README example plugin', () => {
  it('sends the main number to the night mailbox in the evening', async () => {
    const r = await routeCall(plugin, testCall('500'), { world: at('2026-01-05T21:00:00'), config: {} });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps).toEqual([{ type: 'voicemail', mailbox: '200' }]);
    expect(simulatePlan(r.plan, {}).result).toEqual({ kind: 'voicemail', mailbox: '200' });
    expect(r.logs.map((l) => l.msg)).toEqual(['night service']);
  });

  it('passes in opening hours and for other numbers; refuses a typo in its config', async () => {
    expect((await routeCall(plugin, testCall('500'), { world: at('2026-01-05T09:30:00') })).pass).toBe(true);
    expect((await routeCall(plugin, testCall('201'), { world: at('2026-01-05T21:00:00') })).pass).toBe(true);
    await expect(routeCall(plugin, testCall('500'), { config: { openUntill: 17 } })).rejects.toThrow(
      /openUntill/,
    );
  });
});

describe('README code blocks', () => {
  it('every json block (package.json, tsconfig.json) is valid JSON', () => {
    const readme = fs.readFileSync(new URL('../README.md', import.meta.url), 'utf8');
    const blocks = [...readme.matchAll(/```json\n([\s\S]*?)```/g)].map((m) => m[1] ?? '');
    expect(blocks.length).toBeGreaterThanOrEqual(2);
    const [pkg, tsconfig] = blocks.map((b) => JSON.parse(b) as Record<string, Record<string, unknown>>);
    expect(pkg?.scripts).toEqual({ build: 'tsc -p tsconfig.json', test: 'vitest run' });
    expect(Object.keys(pkg?.dependencies ?? {})).toEqual(['@switchboard/plugin-sdk']);
    expect(tsconfig?.compilerOptions).toMatchObject({ module: 'NodeNext', outDir: 'dist' });
  });
});
