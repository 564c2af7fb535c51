import { describe, expect, it } from 'vitest';
import { dialTargetKey, InvalidPlanError, isCarrierFailure, parseRoutingPlan } from '../src/index.js';
import { simulatePlan } from '../src/testkit/index.js';

const trunk = (name: string, number = '+493012345678') => ({ kind: 'trunk' as const, trunk: name, number });

const failoverPlan = parseRoutingPlan({
  steps: [
    {
      type: 'dial',
      mode: 'sequential',
      failover: 'carrier',
      targets: [trunk('primary'), trunk('backup')],
      ringTimeoutSeconds: 60,
    },
  ],
});

describe('trunk dial targets', () => {
  it('validates name and number, keeps caller ID and privacy, and keys it trunk:<name>:<number>', () => {
    const plan = parseRoutingPlan({
      steps: [
        {
          type: 'dial',
          mode: 'parallel',
          targets: [{ ...trunk('sip-provider.1'), callerIdNumber: '+4930555', anonymous: true }],
          ringTimeoutSeconds: 30,
        },
      ],
    });
    const step = plan.steps[0];
    if (step?.type !== 'dial') throw new Error('expected a dial step');
    expect(step.targets[0]).toMatchObject({ callerIdNumber: '+4930555', anonymous: true });
    expect(step.targets.map(dialTargetKey)).toEqual(['trunk:sip-provider.1:+493012345678']);
    for (const bad of [trunk('bad name'), trunk('ok', '0301-234'), trunk('ok', '')]) {
      expect(() =>
        parseRoutingPlan({
          steps: [{ type: 'dial', mode: 'parallel', targets: [bad], ringTimeoutSeconds: 30 }],
        }),
      ).toThrow(InvalidPlanError);
    }
  });

  it("failover 'carrier': the next trunk after a 503, a timeout or an unusable trunk", () => {
    expect(
      simulatePlan(failoverPlan, { 'trunk:primary:+493012345678': { status: 503 } }, 'answer').result,
    ).toEqual({ kind: 'answered', target: 'trunk:backup:+493012345678', step: 0 });
    expect(
      simulatePlan(failoverPlan, { 'trunk:primary:+493012345678': { status: 408 } }, 'answer').rang,
    ).toEqual(['trunk:backup:+493012345678']);
    expect(
      simulatePlan(failoverPlan, { 'trunk:primary:+493012345678': 'unavailable' }, 'answer').result,
    ).toMatchObject({ kind: 'answered', target: 'trunk:backup:+493012345678' });
  });

  it("failover 'carrier': a 404, 486 or 6xx (the callee's answer) or a ring timeout ends the step", () => {
    for (const [behaviour, status] of [
      [{ status: 404 }, 480],
      ['busy', 486],
      [{ status: 603 }, 603],
      ['no-answer', 480],
    ] as const) {
      const sim = simulatePlan(failoverPlan, { 'trunk:primary:+493012345678': behaviour }, 'answer');
      expect(sim.result).toMatchObject({ kind: 'reject', status });
    }
  });

  it('without failover a sequential step moves on after any failure, as before', () => {
    const plan = parseRoutingPlan({
      steps: [
        { type: 'dial', mode: 'sequential', targets: [trunk('a'), trunk('b')], ringTimeoutSeconds: 10 },
      ],
    });
    expect(simulatePlan(plan, { 'trunk:a:+493012345678': 'busy' }, 'answer').result).toMatchObject({
      kind: 'answered',
      target: 'trunk:b:+493012345678',
    });
  });

  it('carrier failures are 408, 5xx and no response at all', () => {
    expect([408, 500, 503, 504].every((s) => isCarrierFailure(s, true))).toBe(true);
    expect([404, 480, 484, 486, 487, 600, 603].some((s) => isCarrierFailure(s, true))).toBe(false);
    expect(isCarrierFailure(480, false)).toBe(true);
  });
});
