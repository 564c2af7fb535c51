import { PluginRegistry } from '@switchboard/plugin-sdk';
import { routeCall, simulatePlan, testCall } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import plugin, { domainOf, externalTarget } from '../src/index.js';
import { group, planFor, world } from './support.js';

describe('members that cannot ring are skipped', () => {
  const mixed = group({
    number: '605',
    strategy: 'hunt',
    ringTimeSeconds: 60,
    members: ['205', '206', '201', '207', '299', '202'].map((extension) => ({ extension })),
  });

  it('busy (at the concurrent-call limit), not registered, disabled and unknown members are left out', async () => {
    const r = await routeCall(plugin, testCall('605'), { world: world([mixed]) });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps[0]).toMatchObject({ targets: [{ extension: '201' }, { extension: '202' }] });
    expect(r.logs).toEqual([
      {
        level: 'info',
        msg: 'ring group members skipped',
        fields: {
          group: '605',
          skipped: [
            { extension: '205', reason: 'busy' },
            { extension: '206', reason: 'not-registered' },
            { extension: '207', reason: 'disabled' },
            { extension: '299', reason: 'unknown' },
          ],
        },
      },
    ]);
    // The ring order starts with the first member that can ring: no time is lost on the others.
    expect(simulatePlan(r.plan, {}).rang).toEqual(['201', '202']);
  });

  it('a member under the limit is not busy; the skip rules can be switched off', async () => {
    const underLimit = world([mixed], { activeCalls: { '205': 0 } });
    expect((await planFor('605', underLimit)).steps[0]).toMatchObject({
      targets: [{ extension: '205' }, { extension: '201' }, { extension: '202' }],
    });
    const plan = await planFor('605', world([mixed]), {
      config: { skipBusyMembers: false, skipUnregisteredMembers: false },
    });
    expect(plan.steps[0]).toMatchObject({
      targets: [{ extension: '205' }, { extension: '206' }, { extension: '201' }, { extension: '202' }],
    });
  });

  it('nobody can ring: straight to the fallback without ringing', async () => {
    const offline = group({
      number: '606',
      members: [{ extension: '205' }, { extension: '206' }],
      fallback: { kind: 'extension', target: '210' },
    });
    const plan = await planFor('606', world([offline]));
    expect(plan.steps).toEqual([{ type: 'reroute', destination: '210' }]);
    expect(simulatePlan(plan, {})).toMatchObject({
      result: { kind: 'reroute', destination: '210' },
      elapsedSeconds: 0,
    });
    const empty = group({ number: '607', members: [] });
    expect((await planFor('607', world([empty]))).steps).toEqual([
      { type: 'reject', status: 480, reason: 'Temporarily Unavailable' },
    ]);
  });
});

describe('fallback when nobody answers', () => {
  const withFallback = async (fallback: Parameters<typeof group>[0]['fallback'], config: object = {}) => {
    const plan = await planFor('600', world([group({ number: '600', ringTimeSeconds: 20, fallback })]), {
      config,
    });
    return { plan, sim: simulatePlan(plan, {}) };
  };

  it('extension: the chain routes the call again to that extension (its follow-me and voicemail apply)', async () => {
    const { sim } = await withFallback({ kind: 'extension', target: '210' });
    expect(sim).toMatchObject({ result: { kind: 'reroute', destination: '210' }, elapsedSeconds: 20 });
  });

  it('ring_group: routed again to the other group', async () => {
    const { sim } = await withFallback({ kind: 'ring_group', target: '601' });
    expect(sim.result).toEqual({ kind: 'reroute', destination: '601' });
  });

  it('busy: the caller gets 486 Busy Here after the group time', async () => {
    const { sim } = await withFallback({ kind: 'busy' });
    expect(sim).toMatchObject({ result: { kind: 'reject', status: 486 }, elapsedSeconds: 20 });
  });

  it('voicemail: the mailbox takes the call', async () => {
    const { plan, sim } = await withFallback({ kind: 'voicemail', target: '201' });
    expect(plan.steps.at(-1)).toEqual({ type: 'voicemail', mailbox: '201' });
    expect(sim.result).toEqual({ kind: 'voicemail', mailbox: '201' });
  });

  it('external: a number is dialled as sip:<number>@<our domain>;user=phone for 30 s', async () => {
    const { plan, sim } = await withFallback({ kind: 'external', target: '+49 30 123456' });
    expect(plan.steps.at(-1)).toEqual({
      type: 'dial',
      mode: 'parallel',
      targets: [{ kind: 'uri', uri: 'sip:+4930123456@pbx.test;user=phone' }],
      ringTimeoutSeconds: 30,
    });
    expect(sim.rang).toEqual(['201', '202', '203', 'sip:+4930123456@pbx.test;user=phone']);
    expect(sim.elapsedSeconds).toBe(50);
    const answered = simulatePlan(plan, { 'sip:+4930123456@pbx.test;user=phone': { answerAfterSeconds: 5 } });
    expect(answered.result).toEqual({
      kind: 'answered',
      target: 'sip:+4930123456@pbx.test;user=phone',
      step: 1,
    });
  });

  it('external: a trunk domain or tel: URIs from config; SIP URIs are dialled as they are', async () => {
    const viaTrunk = await withFallback(
      { kind: 'external', target: '030123456' },
      { externalDomain: 'trunk.example:5070', externalRingSeconds: 45 },
    );
    expect(viaTrunk.plan.steps.at(-1)).toMatchObject({
      targets: [{ kind: 'uri', uri: 'sip:030123456@trunk.example:5070;user=phone' }],
      ringTimeoutSeconds: 45,
    });
    const tel = await withFallback({ kind: 'external', target: '+4930123456' }, { externalScheme: 'tel' });
    expect(tel.plan.steps.at(-1)).toMatchObject({ targets: [{ kind: 'uri', uri: 'tel:+4930123456' }] });
    const uri = await withFallback({ kind: 'external', target: 'sip:reception@partner.example' });
    expect(uri.plan.steps.at(-1)).toMatchObject({
      targets: [{ kind: 'uri', uri: 'sip:reception@partner.example' }],
    });
  });

  it('none and hangup: 480 to the caller', async () => {
    for (const kind of ['none', 'hangup'] as const) {
      const { sim } = await withFallback({ kind });
      expect(sim.result).toEqual({ kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    }
  });

  it('a target that cannot be dialled gives 480 and an error in the log, not a failed plugin', async () => {
    const broken = group({ number: '600', fallback: { kind: 'external', target: 'not a number' } });
    const r = await routeCall(plugin, testCall('600'), { world: world([broken]) });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps.at(-1)).toEqual({ type: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    expect(r.logs).toContainEqual({
      level: 'error',
      msg: 'ring group fallback target is not usable',
      fields: { group: '600', kind: 'external', target: 'not a number' },
    });
    const badMailbox = group({ number: '600', fallback: { kind: 'voicemail', target: 'bob' } });
    expect((await planFor('600', world([badMailbox]))).steps.at(-1)).toMatchObject({
      type: 'reject',
      status: 480,
    });
  });
});

describe('group handling', () => {
  it('passes destinations that are not ring groups', async () => {
    expect((await routeCall(plugin, testCall('201'), { world: world([]) })).pass).toBe(true);
  });

  it('a disabled group answers 480, or passes the call on when configured to', async () => {
    const off = group({ number: '600', enabled: false, fallback: { kind: 'voicemail', target: '201' } });
    expect((await planFor('600', world([off]))).steps).toEqual([
      { type: 'reject', status: 480, reason: 'Ring Group Disabled' },
    ]);
    const r = await routeCall(plugin, testCall('600'), {
      world: world([off]),
      config: { disabledGroup: 'pass' },
    });
    expect(r.pass).toBe(true);
  });

  it('a fallback chain that comes back to a group already tried ends in 480 instead of looping', async () => {
    const a = group({ number: '600', fallback: { kind: 'ring_group', target: '601' } });
    const history = [
      { pluginId: 'ring-group', destination: '600', outcome: 'no-answer' as const, tried: ['201'] },
      { pluginId: 'ring-group', destination: '601', outcome: 'no-answer' as const, tried: ['202'] },
    ];
    const r = await routeCall(plugin, testCall('600', { history }), { world: world([a]) });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps).toEqual([{ type: 'reject', status: 480, reason: 'Temporarily Unavailable' }]);
    expect(r.logs.map((l) => l.msg)).toContain('ring group reached again through its fallbacks');
  });

  it('refuses unknown or invalid config, as the registry does at start-up', async () => {
    const call = testCall('600');
    await expect(routeCall(plugin, call, { config: { ringTime: 30 } })).rejects.toThrow(/ringTime/);
    await expect(routeCall(plugin, call, { config: { externalDomain: 'a b' } })).rejects.toThrow(/host name/);
  });

  it('caps a ringall group at the 64 targets a dial step may hold', async () => {
    const many = Array.from({ length: 70 }, (_, i) => String(3000 + i));
    const big = group({ number: '600', members: many.map((extension) => ({ extension })) });
    const w = world([big], {
      extensions: many.map((number) => ({ number })),
      registrations: Object.fromEntries(many.map((n) => [n, [`sip:${n}@10.1.0.1`]])),
    });
    const [step] = (await planFor('600', w)).steps;
    expect(step?.type === 'dial' && step.targets.length).toBe(64);
  });
});

describe('external targets', () => {
  const opts = { scheme: 'sip' as const, requestUri: 'sip:600@pbx.example.org:5062;transport=tcp' };

  it('takes our domain from the Request-URI', () => {
    expect(domainOf('sip:600@pbx.example.org:5062;transport=tcp')).toBe('pbx.example.org:5062');
    expect(domainOf('sips:pbx.test')).toBe('pbx.test');
    expect(domainOf('tel:+4930')).toBeUndefined();
    expect(externalTarget('0301234', opts)).toEqual({
      kind: 'uri',
      uri: 'sip:0301234@pbx.example.org:5062;user=phone',
    });
  });

  it('escapes # and writes local tel: numbers with a phone-context (RFC 3966)', () => {
    expect(externalTarget('*21#', opts)).toEqual({
      kind: 'uri',
      uri: 'sip:*21%23@pbx.example.org:5062;user=phone',
    });
    expect(externalTarget('0301234', { ...opts, scheme: 'tel' })).toEqual({
      kind: 'uri',
      uri: 'tel:0301234;phone-context=pbx.example.org:5062',
    });
  });

  it('gives undefined for text that is neither a number nor a URI, or without any domain', () => {
    expect(externalTarget('bob', opts)).toBeUndefined();
    expect(externalTarget('0301234', { scheme: 'sip', requestUri: 'tel:600' })).toBeUndefined();
  });
});

describe('manifest', () => {
  it('describes every config field in the JSON Schema the admin plugin page shows', () => {
    const [d] = PluginRegistry.create([{ plugin }]).describe();
    const props = (d?.configJsonSchema as { properties: Record<string, { description?: string }> })
      .properties;
    expect(Object.keys(props)).toEqual([
      'disabledGroup',
      'skipBusyMembers',
      'skipUnregisteredMembers',
      'externalRingSeconds',
      'externalDomain',
      'externalScheme',
    ]);
    expect(Object.values(props).every((p) => typeof p.description === 'string')).toBe(true);
  });
});
