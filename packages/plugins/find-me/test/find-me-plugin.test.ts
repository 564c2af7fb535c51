import type { FollowMeInfo, RoutingPlan } from '@switchboard/plugin-sdk';
import { routeCall, simulatePlan, testCall, type TestWorld } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const MOBILE = 'sip:+4915112345@pbx.test;user=phone';
const SOFTPHONE = 'sip:bob@softphone.example';

/** Bob (201): desk 15 s → desk + softphone + mobile 20 s → voicemail. */
const bob: FollowMeInfo = {
  extension: '201',
  enabled: true,
  steps: [
    { targets: ['201'], ringSeconds: 15 },
    { targets: ['201', SOFTPHONE, '+49 151 12345'], ringSeconds: 20 },
  ],
};

const world = (over: Partial<TestWorld> = {}): TestWorld => ({
  extensions: [
    { number: '201', displayName: 'Bob', hasVoicemail: true, maxConcurrentCalls: 2 },
    { number: '202', displayName: 'Carol' },
    { number: '203', enabled: false },
  ],
  registrations: { '201': ['sip:201@10.0.0.1'], '202': ['sip:202@10.0.0.2'] },
  followMe: [bob, { extension: '202', enabled: true, steps: [{ targets: ['202', '201'], ringSeconds: 10 }] }],
  ...over,
});

async function planFor(dest: string, w: TestWorld = world(), config: object = {}): Promise<RoutingPlan> {
  const r = await routeCall(plugin, testCall(dest), { world: w, config });
  if (r.pass) throw new Error(`expected a plan for ${dest}`);
  return r.plan;
}

describe('find-me plan', () => {
  it('each step is a parallel dial of its targets for its seconds, then the mailbox', async () => {
    expect((await planFor('201')).steps).toEqual([
      {
        type: 'dial',
        mode: 'parallel',
        targets: [{ kind: 'extension', extension: '201' }],
        ringTimeoutSeconds: 15,
      },
      {
        type: 'dial',
        mode: 'parallel',
        targets: [
          { kind: 'extension', extension: '201' },
          { kind: 'uri', uri: SOFTPHONE },
          { kind: 'uri', uri: MOBILE },
        ],
        ringTimeoutSeconds: 20,
      },
      { type: 'voicemail', mailbox: '201' },
    ]);
  });

  it('nobody answers: step by step, then voicemail after 35 s', async () => {
    const sim = simulatePlan(await planFor('201'), {});
    expect(sim.events.filter((e) => e.type === 'ring').map((e) => [e.t, e.step, e.target])).toEqual([
      [0, 0, '201'],
      [15, 1, '201'],
      [15, 1, SOFTPHONE],
      [15, 1, MOBILE],
    ]);
    expect(sim.result).toEqual({ kind: 'voicemail', mailbox: '201' });
    expect(sim.elapsedSeconds).toBe(35);
  });

  it('the mobile answering in step 2 wins; desk and softphone are cancelled', async () => {
    const sim = simulatePlan(await planFor('201'), { [MOBILE]: { answerAfterSeconds: 6 } });
    expect(sim.result).toEqual({ kind: 'answered', target: MOBILE, step: 1 });
    expect(sim.elapsedSeconds).toBe(21);
    expect(sim.events.filter((e) => e.type === 'cancel' && e.t === 21).map((e) => e.target)).toEqual([
      '201',
      SOFTPHONE,
    ]);
  });

  it('busy (486) at the desk moves to the next step, where the softphone answers', async () => {
    const sim = simulatePlan(await planFor('201'), { '201': 'busy', [SOFTPHONE]: { answerAfterSeconds: 2 } });
    expect(sim.result).toEqual({ kind: 'answered', target: SOFTPHONE, step: 1 });
    expect(sim.elapsedSeconds).toBe(2);
  });

  it('a decline (603) moves to the next step, and a second decline to the mailbox, never a 603 to the caller', async () => {
    const sim = simulatePlan(await planFor('201'), { '201': 'decline' });
    // Step 2 starts at once; the desk declines again, which ends that fork too (RFC 3261 §16.7).
    expect(sim.events.filter((e) => e.type !== 'cancel').map((e) => [e.t, e.step, e.type, e.target])).toEqual(
      [
        [0, 0, 'fail', '201'],
        [0, 1, 'fail', '201'],
        [0, 1, 'ring', SOFTPHONE],
        [0, 1, 'ring', MOBILE],
      ],
    );
    expect(sim.result).toEqual({ kind: 'voicemail', mailbox: '201' });
    expect(simulatePlan(await planFor('202'), {}, 'decline').result).toMatchObject({
      kind: 'reject',
      status: 480,
    });
  });

  it('without a mailbox: 480 after the last step, whatever the last failure was', async () => {
    const plan = await planFor('202');
    expect(plan.steps.at(-1)).toEqual({ type: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    for (const b of ['no-answer', 'busy', 'decline'] as const) {
      expect(simulatePlan(plan, {}, b).result).toEqual({
        kind: 'reject',
        status: 480,
        reason: 'Temporarily Unavailable',
      });
    }
  });

  it('another extension as a target rings that extension', async () => {
    expect((await planFor('202')).steps[0]).toMatchObject({
      targets: [
        { kind: 'extension', extension: '202' },
        { kind: 'extension', extension: '201' },
      ],
      ringTimeoutSeconds: 10,
    });
  });
});

describe('final destination after the last step', () => {
  const ending = (finalDestination: FollowMeInfo['finalDestination']) =>
    world({ followMe: [{ ...bob, steps: [{ targets: ['201'], ringSeconds: 15 }], finalDestination }] });
  const lastStep = async (finalDestination: FollowMeInfo['finalDestination'], config: object = {}) =>
    (await planFor('201', ending(finalDestination), config)).steps.at(-1);

  it('another extension or a ring group: asked through the plugin chain again after the steps', async () => {
    const plan = await planFor('201', ending({ kind: 'extension', target: '202' }));
    expect(plan.steps).toEqual([
      expect.objectContaining({ type: 'dial', ringTimeoutSeconds: 15 }),
      { type: 'reroute', destination: '202' },
    ]);
    const sim = simulatePlan(plan, {});
    expect(sim.result).toEqual({ kind: 'reroute', destination: '202' });
    expect(sim.elapsedSeconds).toBe(15);
    expect(await lastStep({ kind: 'ring_group', target: '600' })).toEqual({
      type: 'reroute',
      destination: '600',
    });
  });

  it("another extension's mailbox, or 480 when that extension has none", async () => {
    const w = world({
      extensions: [
        { number: '201', hasVoicemail: true },
        { number: '205', hasVoicemail: true },
        { number: '202' },
      ],
      followMe: [{ ...bob, finalDestination: { kind: 'voicemail', target: '205' } }],
    });
    expect((await planFor('201', w)).steps.at(-1)).toEqual({ type: 'voicemail', mailbox: '205' });
    const r = await routeCall(plugin, testCall('201'), {
      world: { ...w, followMe: [{ ...bob, finalDestination: { kind: 'voicemail', target: '202' } }] },
    });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps.at(-1)).toEqual({ type: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    expect(r.logs.map((l) => l.msg)).toContain('follow-me final mailbox does not take messages');
  });

  it('busy gives 486, hang up 480, whatever the last step answered', async () => {
    const busy = simulatePlan(await planFor('201', ending({ kind: 'busy' })), {}, 'decline');
    expect(busy.result).toEqual({ kind: 'reject', status: 486, reason: 'Busy Here' });
    const hangup = simulatePlan(await planFor('201', ending({ kind: 'hangup' })), {}, 'busy');
    expect(hangup.result).toEqual({ kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
  });

  it('an external number rings through the configured domain for its own ring time', async () => {
    expect(
      await lastStep({ kind: 'external', target: '+49 30 1234' }, { externalDomain: 'trunk.example' }),
    ).toEqual({
      type: 'dial',
      mode: 'parallel',
      targets: [{ kind: 'uri', uri: 'sip:+49301234@trunk.example;user=phone' }],
      ringTimeoutSeconds: 30,
    });
    const r = await routeCall(plugin, testCall('201'), {
      world: ending({ kind: 'external', target: 'nowhere' }),
    });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps.at(-1)).toMatchObject({ type: 'reject', status: 480 });
    expect(r.logs.map((l) => l.msg)).toContain('follow-me final destination is not usable');
  });

  it('a follow-me reached again through final destinations rings as a plain extension', async () => {
    const again = testCall('201', {
      history: [{ pluginId: 'find-me', destination: '201', outcome: 'no-answer', tried: ['201'] }],
    });
    expect(
      (await routeCall(plugin, again, { world: ending({ kind: 'extension', target: '202' }) })).pass,
    ).toBe(true);
  });
});

describe('find-me skip rules', () => {
  it('desk not registered: its step is dropped and the next step rings at once', async () => {
    const r = await routeCall(plugin, testCall('201'), { world: world({ registrations: {} }) });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'parallel',
        targets: [
          { kind: 'uri', uri: SOFTPHONE },
          { kind: 'uri', uri: MOBILE },
        ],
        ringTimeoutSeconds: 20,
      },
      { type: 'voicemail', mailbox: '201' },
    ]);
    expect(r.logs.filter((l) => l.msg === 'follow-me targets skipped').map((l) => l.fields)).toEqual([
      { extension: '201', step: 0, skipped: [{ skipped: '201', reason: 'not-registered' }] },
      { extension: '201', step: 1, skipped: [{ skipped: '201', reason: 'not-registered' }] },
    ]);
  });

  it('an extension at its concurrent-call limit is skipped; the limit check can be switched off', async () => {
    const busy = world({ activeCalls: { '201': 2 } });
    expect((await planFor('201', busy)).steps[0]).toMatchObject({
      targets: [{ uri: SOFTPHONE }, { uri: MOBILE }],
    });
    expect((await planFor('201', busy, { skipBusyExtensions: false })).steps[0]).toMatchObject({
      targets: [{ extension: '201' }],
    });
  });

  it('nothing reachable at all: straight to the mailbox', async () => {
    const w = world({
      registrations: {},
      followMe: [{ extension: '201', enabled: true, steps: [{ targets: ['201', '203'], ringSeconds: 15 }] }],
    });
    expect((await planFor('201', w)).steps).toEqual([{ type: 'voicemail', mailbox: '201' }]);
  });

  it('duplicate and unusable targets are left out', async () => {
    const w = world({
      followMe: [
        {
          extension: '201',
          enabled: true,
          steps: [
            {
              targets: ['201', '201', 'sip:x@y.example', 'sip:x@y.example', 'not a number'],
              ringSeconds: 15,
            },
          ],
        },
      ],
    });
    const r = await routeCall(plugin, testCall('201'), { world: w });
    if (r.pass) throw new Error('expected a plan');
    expect(r.plan.steps[0]).toMatchObject({ targets: [{ extension: '201' }, { uri: 'sip:x@y.example' }] });
    expect(r.logs[0]?.fields).toMatchObject({ skipped: [{ skipped: 'not a number', reason: 'invalid' }] });
  });
});

describe('find-me passes', () => {
  it('extensions without follow-me, with it switched off or without steps, unknown and disabled ones', async () => {
    const w = world({
      followMe: [
        { ...bob, enabled: false },
        { extension: '202', enabled: true, steps: [] },
      ],
    });
    for (const dest of ['201', '202', '999', '203']) {
      expect((await routeCall(plugin, testCall(dest), { world: w })).pass).toBe(true);
    }
    expect((await routeCall(plugin, testCall('201'), { world: world({ followMe: [] }) })).pass).toBe(true);
  });
});

describe('external numbers', () => {
  it('go to a trunk domain, or become tel: URIs, as configured', async () => {
    const [, viaTrunk] = (await planFor('201', world(), { externalDomain: 'trunk.example' })).steps;
    expect(viaTrunk).toMatchObject({
      targets: [{}, {}, { uri: 'sip:+4915112345@trunk.example;user=phone' }],
    });
    const [, tel] = (await planFor('201', world(), { externalScheme: 'tel' })).steps;
    expect(tel).toMatchObject({ targets: [{}, {}, { uri: 'tel:+4915112345' }] });
  });

  it('refuses unknown config keys', async () => {
    await expect(routeCall(plugin, testCall('201'), { config: { ringSeconds: 5 } })).rejects.toThrow(
      /ringSeconds/,
    );
  });
});
