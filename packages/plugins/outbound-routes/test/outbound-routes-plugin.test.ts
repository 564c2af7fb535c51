import type { RoutingPlan } from '@switchboard/plugin-sdk';
import { routeCall, simulatePlan, testCall, type TestWorld } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import plugin, { configSchema } from '../src/index.js';

/** A Berlin office: 9 for an outside line, national calls in E.164 through two trunks. */
const config = {
  country: 'DE',
  areaCode: '30',
  emergencyNumbers: ['112', '110'],
  routes: [
    { name: 'emergency', patterns: ['112', '110'], trunks: ['carrier-a'] },
    {
      name: 'outside line',
      patterns: ['_9Z.', '_90Z.', '_900Z.'],
      strip: 1,
      format: 'e164',
      trunks: ['carrier-a', 'carrier-b'],
      callerIdNumber: '+49301234000',
    },
  ],
};

const world = (over: Partial<TestWorld> = {}): TestWorld => ({
  extensions: [
    { number: '100', displayName: 'Alice', dialClass: 'national', externalNumber: '+49301234100' },
    { number: '101', displayName: 'Bob', dialClass: 'international', maxExternalCalls: 1 },
    { number: '102', displayName: 'Lobby', dialClass: 'internal' },
    { number: '103', displayName: 'Carol', dialClass: 'local' },
  ],
  ...over,
});

async function route(dest: string, caller = '100', w: TestWorld = world(), cfg: object = config) {
  return routeCall(plugin, testCall(dest, { caller: { uri: `sip:${caller}@pbx.test`, extension: caller } }), {
    world: w,
    config: cfg,
  });
}

async function planFor(dest: string, caller = '100', w: TestWorld = world()): Promise<RoutingPlan> {
  const r = await route(dest, caller, w);
  if (r.pass) throw new Error(`expected a plan for ${dest}`);
  return r.plan;
}

describe('outbound-routes', () => {
  it('strips the outside-line 9, sends E.164 through the trunks in order with the extension’s number', async () => {
    const plan = await planFor('9089123456');
    expect(plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'sequential',
        failover: 'carrier',
        ringTimeoutSeconds: 120,
        targets: [
          { kind: 'trunk', trunk: 'carrier-a', number: '+4989123456', callerIdNumber: '+49301234100' },
          { kind: 'trunk', trunk: 'carrier-b', number: '+4989123456', callerIdNumber: '+49301234100' },
        ],
      },
    ]);
  });

  it('a local number gets the area code; without an own number the route’s caller ID is used', async () => {
    const step = (await planFor('912345678', '103')).steps[0];
    expect(step).toMatchObject({
      targets: [{ number: '+493012345678', callerIdNumber: '+49301234000' }, { trunk: 'carrier-b' }],
    });
  });

  it('fails over to the second trunk on 503, not on 404 or 486', async () => {
    const plan = await planFor('9089123456');
    const a = 'trunk:carrier-a:+4989123456';
    expect(simulatePlan(plan, { [a]: { status: 503 } }, 'answer').result).toMatchObject({
      kind: 'answered',
      target: 'trunk:carrier-b:+4989123456',
    });
    expect(simulatePlan(plan, { [a]: { status: 404 } }, 'answer').rang).toEqual([]);
    expect(simulatePlan(plan, { [a]: 'busy' }, 'answer').result).toMatchObject({
      kind: 'reject',
      status: 486,
    });
  });

  it('an international number needs the international class: 403 and a warning line', async () => {
    const r = await route('900442071234567', '100');
    expect(r.pass).toBe(false);
    if (r.pass) return;
    expect(r.plan.steps).toEqual([{ type: 'reject', status: 403, reason: 'Forbidden' }]);
    expect(r.logs).toEqual([
      {
        level: 'warn',
        msg: 'outbound call refused',
        fields: expect.objectContaining({
          extension: '100',
          why: 'dialling class national does not allow international numbers',
        }) as unknown,
      },
    ]);
    expect((await planFor('900442071234567', '101')).steps[0]).toMatchObject({
      targets: [{ number: '+442071234567' }, { number: '+442071234567' }],
    });
  });

  it('internal-only and local-only extensions are held to their class', async () => {
    expect((await planFor('912345678', '102')).steps[0]).toMatchObject({ type: 'reject', status: 403 });
    expect((await planFor('9089123456', '103')).steps[0]).toMatchObject({ type: 'reject', status: 403 });
  });

  it('the limit of outside calls per extension: 403 once reached', async () => {
    const busy = world({ activeExternalCalls: { '101': 1 } });
    expect((await planFor('9089123456', '101', busy)).steps[0]).toMatchObject({
      type: 'reject',
      status: 403,
    });
  });

  it('emergency numbers go out whatever the class or the limit, with caller ID, never anonymous', async () => {
    for (const caller of ['102', '101']) {
      const plan = await planFor('*67112', caller, world({ activeExternalCalls: { '101': 5 } }));
      expect(plan.steps[0]).toMatchObject({
        targets: [{ kind: 'trunk', trunk: 'carrier-a', number: '112', emergency: true }],
      });
      expect(JSON.stringify(plan)).not.toContain('anonymous');
    }
  });

  it('an emergency number no route matches goes through every trunk in turn', async () => {
    const cfg = { ...config, routes: config.routes.slice(1) };
    const r = await route('110', '102', world(), cfg);
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps[0]).toMatchObject({
      targets: [
        { trunk: 'carrier-a', number: '110', emergency: true },
        { trunk: 'carrier-b', number: '110', emergency: true },
      ],
    });
  });

  it('*67 in front withholds the caller ID (Privacy: id on the trunk)', async () => {
    expect((await planFor('*679089123456')).steps[0]).toMatchObject({
      targets: [{ number: '+4989123456', anonymous: true }, { anonymous: true }],
    });
  });

  it('passes internal numbers, numbers no route matches and calls that come in from a trunk', async () => {
    expect((await route('101')).pass).toBe(true);
    expect((await route('5555')).pass).toBe(true);
    const inbound = await routeCall(
      plugin,
      testCall('9089123456', { caller: { uri: 'sip:+4930999@carrier.example', trunk: 'carrier-a' } }),
      { world: world(), config },
    );
    expect(inbound.pass).toBe(true);
  });

  it('a transfer goes out on the transferor’s class, limit and number, whoever the transferee is', async () => {
    const transferred = (dest: string, by: { uri: string; extension?: string }, w = world()) =>
      routeCall(
        plugin,
        testCall(dest, {
          caller: { uri: 'sip:+4930999@carrier.example', trunk: 'carrier-a', transferredBy: by },
        }),
        { world: w, config },
      );
    // An inbound trunk caller transferred by an internal-only extension: 403 and the audit line.
    const lobby = await transferred('900442071234567', { uri: 'sip:102@pbx.test', extension: '102' });
    if (lobby.pass) throw new Error('expected a refusal');
    expect(lobby.plan.steps).toEqual([{ type: 'reject', status: 403, reason: 'Forbidden' }]);
    expect(lobby.logs[0]?.fields).toMatchObject({ transferredBy: '102', destination: '900442071234567' });
    // The transferor with the class: out through the trunks with the transferor's own number.
    const alice = await transferred('9089123456', { uri: 'sip:100@pbx.test', extension: '100' });
    if (alice.pass) throw new Error('expected a plan');
    expect(alice.plan.steps[0]).toMatchObject({ targets: [{ callerIdNumber: '+49301234100' }, {}] });
    // The transferor's outside-call limit counts, not the transferee's.
    const busy = world({ activeExternalCalls: { '101': 1 } });
    const bob = await transferred('9089123456', { uri: 'sip:101@pbx.test', extension: '101' }, busy);
    expect(bob.pass ? undefined : bob.plan.steps[0]).toMatchObject({ type: 'reject', status: 403 });
    // An outsider (a REFER from the trunk side) authorises no outside call, only emergency numbers.
    const outsider = { uri: 'sip:+4930777@carrier.example' };
    const out = await transferred('9089123456', outsider);
    expect(out.pass ? undefined : out.plan.steps[0]).toMatchObject({ type: 'reject', status: 403 });
    expect((await transferred('101', outsider)).pass).toBe(true);
    const sos = await transferred('112', outsider);
    expect(sos.pass ? undefined : sos.plan.steps[0]).toMatchObject({ targets: [{ emergency: true }] });
  });

  it('an E.164 route refuses a number that is not one with 484', async () => {
    expect((await planFor('912')).steps[0]).toMatchObject({ type: 'reject', status: 484 });
  });

  it('an unknown number in a "dialled" route needs the international class (premium, service numbers)', async () => {
    const cfg = { ...config, routes: [{ name: 'any', patterns: ['_X.'], trunks: ['carrier-a'] }] };
    const r = await route('12', '100', world(), cfg);
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps[0]).toMatchObject({ type: 'reject', status: 403 });
  });

  it('the configuration is checked: country required with routes, bad patterns named', () => {
    expect(configSchema.safeParse({}).success).toBe(true);
    const noCountry = configSchema.safeParse({ routes: [{ name: 'x', patterns: ['_X.'], trunks: ['a'] }] });
    expect(noCountry.error?.issues[0]?.message).toContain('required');
    const bad = configSchema.safeParse({
      country: 'DE',
      routes: [{ name: 'x', patterns: ['_9.X'], trunks: ['a'] }],
    });
    expect(bad.error?.issues[0]?.message).toContain('only allowed at the end');
    expect(configSchema.safeParse({ country: 'XX' }).success).toBe(false);
    // The admin's Plugins page renders the JSON Schema the workers publish.
    expect(() => z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' })).not.toThrow();
  });
});
