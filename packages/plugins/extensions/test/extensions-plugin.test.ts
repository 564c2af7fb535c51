import { routeCall, simulatePlan, testCall, type TestWorld } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import plugin from '../src/index.js';

const world = (over: Partial<TestWorld> = {}): TestWorld => ({
  extensions: [
    { number: '201', displayName: 'Bob', hasVoicemail: true, maxConcurrentCalls: 2 },
    { number: '202', displayName: 'Carol' },
    { number: '203', enabled: false },
  ],
  registrations: { '201': ['sip:201@10.0.0.5:5060', 'sip:201@10.0.0.6:5062'], '202': ['sip:202@10.0.0.7'] },
  ...over,
});

async function planFor(dest: string, w: TestWorld = world(), config: object = {}) {
  const r = await routeCall(plugin, testCall(dest), { world: w, config });
  if (r.pass) throw new Error('expected a plan');
  return r.plan;
}

describe('extensions plugin', () => {
  it('passes destinations that are not extensions', async () => {
    expect((await routeCall(plugin, testCall('999'), { world: world() })).pass).toBe(true);
  });

  it('rings the extension for 20 s by default, then its mailbox', async () => {
    const plan = await planFor('201');
    expect(plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'parallel',
        targets: [{ kind: 'extension', extension: '201' }],
        ringTimeoutSeconds: 20,
        onFailure: {
          'no-answer': { type: 'voicemail', mailbox: '201' },
          busy: { type: 'voicemail', mailbox: '201' },
          declined: { type: 'voicemail', mailbox: '201' },
        },
      },
    ]);
    expect(simulatePlan(plan, { '201': 'no-answer' })).toMatchObject({
      result: { kind: 'voicemail', mailbox: '201' },
      elapsedSeconds: 20,
    });
  });

  it('a decline goes to the mailbox by default, or back to the caller with onDecline reject', async () => {
    expect(simulatePlan(await planFor('201'), { '201': 'decline' }).result).toEqual({
      kind: 'voicemail',
      mailbox: '201',
    });
    const relayed = await planFor('201', world(), { onDecline: 'reject' });
    expect(relayed.steps[0]).toMatchObject({ onFailure: { 'no-answer': {}, busy: {} } });
    expect(relayed.steps[0]).not.toHaveProperty('onFailure.declined');
    expect(simulatePlan(relayed, { '201': 'decline' }).result).toMatchObject({ kind: 'reject', status: 603 });
  });

  it('without a mailbox: 480 after no answer, 486 when busy', async () => {
    const plan = await planFor('202');
    expect(simulatePlan(plan, {}).result).toEqual({
      kind: 'reject',
      status: 480,
      reason: 'Temporarily Unavailable',
    });
    expect(simulatePlan(plan, { '202': 'busy' }).result).toEqual({
      kind: 'reject',
      status: 486,
      reason: 'Busy Here',
    });
    expect(simulatePlan(plan, { '202': { answerAfterSeconds: 4 } }).result).toMatchObject({
      kind: 'answered',
    });
  });

  it('not registered: voicemail if any, else 480', async () => {
    const w = world({ registrations: {} });
    expect((await planFor('201', w)).steps).toEqual([{ type: 'voicemail', mailbox: '201' }]);
    expect((await planFor('202', w)).steps).toEqual([
      { type: 'reject', status: 480, reason: 'Temporarily Unavailable' },
    ]);
  });

  it('at the concurrent-call limit: busy handling without ringing', async () => {
    const w = world({ activeCalls: { '201': 2 } });
    expect((await planFor('201', w)).steps).toEqual([{ type: 'voicemail', mailbox: '201' }]);
    expect((await planFor('201', w, { onBusy: 'reject' })).steps).toEqual([
      { type: 'reject', status: 486, reason: 'Busy Here' },
    ]);
  });

  it('a disabled extension gets 480', async () => {
    expect((await planFor('203')).steps).toEqual([
      { type: 'reject', status: 480, reason: 'Extension Disabled' },
    ]);
  });

  it('refuses unknown config keys, so typos stop start-up instead of being ignored', async () => {
    await expect(routeCall(plugin, testCall('201'), { config: { ringTimeout: 30 } })).rejects.toThrow(
      /ringTimeout/,
    );
  });

  it('honours the configured ring time', async () => {
    const [step] = (await planFor('202', world(), { ringSeconds: 45 })).steps;
    expect(step).toMatchObject({ type: 'dial', ringTimeoutSeconds: 45 });
  });
});
