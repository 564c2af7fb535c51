import { describe, expect, it } from 'vitest';
import { parseRoutingPlan } from '../src/index.js';
import { simulatePlan } from '../src/testkit/index.js';

const ext = (n: string, ringTimeoutSeconds?: number) =>
  ringTimeoutSeconds === undefined
    ? { kind: 'extension' as const, extension: n }
    : { kind: 'extension' as const, extension: n, ringTimeoutSeconds };

describe('simulatePlan', () => {
  it('parallel: the first to answer wins and the others are cancelled', () => {
    const plan = parseRoutingPlan({
      steps: [
        {
          type: 'dial',
          mode: 'parallel',
          targets: [ext('201'), ext('202'), ext('203')],
          ringTimeoutSeconds: 20,
        },
      ],
    });
    const sim = simulatePlan(plan, { '201': { answerAfterSeconds: 8 }, '202': { answerAfterSeconds: 3 } });
    expect(sim.result).toEqual({ kind: 'answered', target: '202', step: 0 });
    expect(sim.elapsedSeconds).toBe(3);
    expect(sim.events.filter((e) => e.type === 'cancel').map((e) => e.target)).toEqual(['201', '203']);
  });

  it('sequential: each target rings for its own timeout, in order', () => {
    const plan = parseRoutingPlan({
      steps: [
        {
          type: 'dial',
          mode: 'sequential',
          targets: [ext('201', 5), ext('202'), ext('203')],
          ringTimeoutSeconds: 10,
        },
      ],
    });
    const sim = simulatePlan(plan, { '202': 'busy', '203': { answerAfterSeconds: 4 } });
    expect(sim.rang).toEqual(['201', '203']);
    expect(sim.result).toEqual({ kind: 'answered', target: '203', step: 0 });
    expect(sim.elapsedSeconds).toBe(9);
  });

  it('a decline moves to the configured action instead of back to the caller', () => {
    const plan = parseRoutingPlan({
      steps: [
        {
          type: 'dial',
          mode: 'parallel',
          targets: [ext('201')],
          ringTimeoutSeconds: 20,
          onFailure: { declined: { type: 'next' } },
        },
        { type: 'voicemail', mailbox: '201' },
      ],
    });
    expect(simulatePlan(plan, { '201': 'decline' }).result).toEqual({ kind: 'voicemail', mailbox: '201' });
  });

  it('nobody answers: rings out every step, then the default status', () => {
    const plan = parseRoutingPlan({
      steps: [
        { type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 15 },
        { type: 'dial', mode: 'parallel', targets: [ext('201'), ext('301')], ringTimeoutSeconds: 20 },
      ],
    });
    const sim = simulatePlan(plan, {});
    expect(sim.result).toEqual({ kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    expect(sim.elapsedSeconds).toBe(35);
    expect(sim.rang).toEqual(['201', '201', '301']);
  });

  it('an answer after the ring timeout does not count', () => {
    const plan = parseRoutingPlan({
      steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201')], ringTimeoutSeconds: 10 }],
      otherwise: { type: 'redirect', contacts: ['sip:201@elsewhere.example'] },
    });
    expect(simulatePlan(plan, { '201': { answerAfterSeconds: 12 } }).result).toEqual({
      kind: 'redirect',
      status: 302,
      contacts: ['sip:201@elsewhere.example'],
    });
  });

  it('all busy in parallel gives 486 without ringing time', () => {
    const plan = parseRoutingPlan({
      steps: [{ type: 'dial', mode: 'parallel', targets: [ext('201'), ext('202')], ringTimeoutSeconds: 10 }],
    });
    const sim = simulatePlan(plan, { '201': 'busy', '202': 'busy' });
    expect(sim.result).toEqual({ kind: 'reject', status: 486, reason: 'Busy Here' });
    expect(sim.elapsedSeconds).toBe(0);
  });

  it('writes the answering target to the plugin state when the step asks to remember it', () => {
    const plan = parseRoutingPlan({
      steps: [
        {
          type: 'dial',
          mode: 'sequential',
          targets: [ext('201'), ext('202')],
          ringTimeoutSeconds: 10,
          rememberAnswerAs: 'last:600',
        },
      ],
    });
    const state = new Map<string, string>();
    simulatePlan(plan, { '202': 'answer' }, 'no-answer', state);
    expect(state.get('last:600')).toBe('202');
  });
});
