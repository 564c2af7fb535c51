import { simulatePlan } from '@switchboard/plugin-sdk/testkit';
import { describe, expect, it } from 'vitest';
import { createRingGroupPlugin, lastAnsweredKey } from '../src/index.js';
import { group, planFor, world } from './support.js';

const ringing = (sim: ReturnType<typeof simulatePlan>) =>
  sim.events.filter((e) => e.type === 'ring').map((e) => [e.t, e.target]);

describe('ringall', () => {
  const sales = group({
    number: '600',
    strategy: 'ringall',
    ringTimeSeconds: 30,
    callerIdPrefix: 'Sales: ',
    fallback: { kind: 'voicemail', target: '201' },
  });

  it('rings every member at once for the group time, with the caller-id prefix', async () => {
    const plan = await planFor('600', world([sales]));
    expect(plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'parallel',
        targets: [
          { kind: 'extension', extension: '201' },
          { kind: 'extension', extension: '202' },
          { kind: 'extension', extension: '203' },
        ],
        ringTimeoutSeconds: 30,
        callerId: { prefix: 'Sales: ' },
      },
      { type: 'voicemail', mailbox: '201' },
    ]);
  });

  it('the first to answer wins and the others are cancelled', async () => {
    const plan = await planFor('600', world([sales]));
    const sim = simulatePlan(plan, { '201': { answerAfterSeconds: 9 }, '203': { answerAfterSeconds: 4 } });
    expect(sim.result).toEqual({ kind: 'answered', target: '203', step: 0 });
    expect(ringing(sim)).toEqual([
      [0, '201'],
      [0, '202'],
      [0, '203'],
    ]);
    expect(sim.events.filter((e) => e.type === 'cancel').map((e) => [e.t, e.target])).toEqual([
      [4, '201'],
      [4, '202'],
    ]);
  });

  it('nobody answers: the fallback mailbox after the group time', async () => {
    const sim = simulatePlan(await planFor('600', world([sales])), {});
    expect(sim.result).toEqual({ kind: 'voicemail', mailbox: '201' });
    expect(sim.elapsedSeconds).toBe(30);
  });

  it('a member declining (603) sends the call to the fallback, not a 603 back to the caller', async () => {
    const plan = await planFor('600', world([sales]));
    expect(simulatePlan(plan, { '202': 'decline' }).result).toEqual({ kind: 'voicemail', mailbox: '201' });
    const noFallback = await planFor('600', world([{ ...sales, fallback: { kind: 'none' } }]));
    expect(simulatePlan(noFallback, { '202': 'decline' }).result).toMatchObject({
      kind: 'reject',
      status: 480,
    });
  });

  it('a member with its own ring time stops ringing earlier than the group', async () => {
    const g = group({
      number: '600',
      members: [{ extension: '201', ringSeconds: 10 }, { extension: '202' }],
    });
    const plan = await planFor('600', world([g]));
    expect(plan.steps[0]).toMatchObject({
      targets: [
        { kind: 'extension', extension: '201', ringTimeoutSeconds: 10 },
        { kind: 'extension', extension: '202' },
      ],
      ringTimeoutSeconds: 30,
    });
    // 201 would answer at 12 s, after its own 10 s: 202 answering at 20 s wins.
    const sim = simulatePlan(plan, { '201': { answerAfterSeconds: 12 }, '202': { answerAfterSeconds: 20 } });
    expect(sim.result).toEqual({ kind: 'answered', target: '202', step: 0 });
  });
});

describe('hunt', () => {
  // 201 rings 10 s, 202 its own 5 s, 203 only the 7 s left of the group's 22 s.
  const support = group({
    number: '601',
    strategy: 'hunt',
    ringTimeSeconds: 22,
    memberRingSeconds: 10,
    members: [{ extension: '201' }, { extension: '202', ringSeconds: 5 }, { extension: '203' }],
    fallback: { kind: 'extension', target: '210' },
  });

  it('rings members one after the other with their ring times, within the group time', async () => {
    const plan = await planFor('601', world([support]));
    expect(plan.steps).toEqual([
      {
        type: 'dial',
        mode: 'sequential',
        targets: [
          { kind: 'extension', extension: '201', ringTimeoutSeconds: 10 },
          { kind: 'extension', extension: '202', ringTimeoutSeconds: 5 },
          { kind: 'extension', extension: '203', ringTimeoutSeconds: 7 },
        ],
        ringTimeoutSeconds: 10,
      },
      { type: 'reroute', destination: '210' },
    ]);
    const sim = simulatePlan(plan, {});
    expect(ringing(sim)).toEqual([
      [0, '201'],
      [10, '202'],
      [15, '203'],
    ]);
    expect(sim.elapsedSeconds).toBe(22);
    expect(sim.result).toEqual({ kind: 'reroute', destination: '210' });
  });

  it('the member whose turn it is answers', async () => {
    const sim = simulatePlan(await planFor('601', world([support])), { '202': { answerAfterSeconds: 2 } });
    expect(sim.result).toEqual({ kind: 'answered', target: '202', step: 0 });
    expect(sim.elapsedSeconds).toBe(12);
    expect(sim.rang).toEqual(['201', '202']);
  });

  it('a member who declines or is busy passes the turn on', async () => {
    const sim = simulatePlan(await planFor('601', world([support])), {
      '201': 'decline',
      '202': 'busy',
      '203': { answerAfterSeconds: 3 },
    });
    expect(sim.result).toEqual({ kind: 'answered', target: '203', step: 0 });
    expect(sim.elapsedSeconds).toBe(3);
  });

  it('members past the group time are not rung at all', async () => {
    const short = { ...support, ringTimeSeconds: 12 };
    const [step] = (await planFor('601', world([short]))).steps;
    expect(step).toMatchObject({
      targets: [
        { extension: '201', ringTimeoutSeconds: 10 },
        { extension: '202', ringTimeoutSeconds: 2 },
      ],
    });
  });
});

describe('roundrobin', () => {
  const desk = group({
    number: '602',
    strategy: 'roundrobin',
    ringTimeSeconds: 60,
    members: [{ extension: '201' }, { extension: '202' }, { extension: '203' }],
  });

  it('starts after the member who answered last, remembered across calls', async () => {
    const state = new Map<string, string>();
    const w = world([desk], { state });
    const order = async () => (await planFor('602', w)).steps[0];

    const first = await planFor('602', w);
    expect(first.steps[0]).toMatchObject({ mode: 'sequential', rememberAnswerAs: lastAnsweredKey('602') });
    expect(simulatePlan(first, { '202': 'answer' }, 'no-answer', state).rang).toEqual(['201', '202']);
    expect(state.get(lastAnsweredKey('602'))).toBe('202');

    const second = await planFor('602', w);
    expect(simulatePlan(second, { '203': 'answer' }, 'no-answer', state).rang).toEqual(['203']);
    expect(state.get(lastAnsweredKey('602'))).toBe('203');

    expect(await order()).toMatchObject({
      targets: [{ extension: '201' }, { extension: '202' }, { extension: '203' }],
    });
    const third = simulatePlan(await planFor('602', w), { '201': 'answer' }, 'no-answer', state);
    expect(third.result).toEqual({ kind: 'answered', target: '201', step: 0 });
    expect(await order()).toMatchObject({
      targets: [{ extension: '202' }, { extension: '203' }, { extension: '201' }],
    });
  });

  it('a skipped member keeps the turn order of the others', async () => {
    const state = new Map([[lastAnsweredKey('602'), '201']]);
    const busy202 = world([desk], { state, activeCalls: { '202': 1 } });
    busy202.extensions = (busy202.extensions ?? []).map((e) =>
      e.number === '202' ? { ...e, maxConcurrentCalls: 1 } : e,
    );
    expect((await planFor('602', busy202)).steps[0]).toMatchObject({
      targets: [{ extension: '203' }, { extension: '201' }],
    });
  });

  it('a remembered member who left the group: configured order', async () => {
    const state = new Map([[lastAnsweredKey('602'), '299']]);
    expect((await planFor('602', world([desk], { state }))).steps[0]).toMatchObject({
      targets: [{ extension: '201' }, { extension: '202' }, { extension: '203' }],
    });
  });
});

describe('random', () => {
  const pool = group({
    number: '603',
    strategy: 'random',
    ringTimeSeconds: 60,
    members: ['201', '202', '203', '204'].map((extension) => ({ extension })),
  });

  const orderWith = async (values: number[]) => {
    let i = 0;
    const p = createRingGroupPlugin({ random: () => values[i++ % values.length] ?? 0 });
    const [step] = (await planFor('603', world([pool]), { p })).steps;
    if (step?.type !== 'dial') throw new Error('expected a dial step');
    return step.targets.map((t) => (t.kind === 'extension' ? t.extension : t.kind));
  };

  it('rings every member once, one at a time, in an order drawn from the random source', async () => {
    // Fisher–Yates from the end: j = floor(r·(i+1)) for i = 3, 2, 1.
    expect(await orderWith([0, 0, 0])).toEqual(['202', '203', '204', '201']);
    expect(await orderWith([0.99, 0.99, 0.99])).toEqual(['201', '202', '203', '204']);
    const drawn = await orderWith([0.5, 0.1, 0.7]);
    expect([...drawn].sort()).toEqual(['201', '202', '203', '204']);
    // [201,202,203,204] → swap(3,2) → swap(2,0) → swap(1,1)
    expect(drawn).toEqual(['204', '202', '201', '203']);
  });

  it('uses Math.random by default and still rings each member once', async () => {
    const plan = await planFor('603', world([pool]));
    const sim = simulatePlan(plan, {});
    expect([...sim.rang].sort()).toEqual(['201', '202', '203', '204']);
    expect(sim.elapsedSeconds).toBe(40);
  });
});

describe('memoryhunt', () => {
  const escalate = group({
    number: '604',
    strategy: 'memoryhunt',
    ringTimeSeconds: 25,
    memberRingSeconds: 10,
    fallback: { kind: 'hangup' },
  });

  it('rings 1, then 1+2, then 1+2+3 as successive parallel steps within the group time', async () => {
    const plan = await planFor('604', world([escalate]));
    expect(
      plan.steps.map((s) =>
        s.type === 'dial'
          ? [s.mode, s.ringTimeoutSeconds, s.targets.map((t) => (t.kind === 'extension' ? t.extension : ''))]
          : s.type,
      ),
    ).toEqual([
      ['parallel', 10, ['201']],
      ['parallel', 10, ['201', '202']],
      ['parallel', 5, ['201', '202', '203']],
      'reject',
    ]);
    const sim = simulatePlan(plan, { '203': { answerAfterSeconds: 2 } });
    expect(sim.result).toEqual({ kind: 'answered', target: '203', step: 2 });
    expect(sim.elapsedSeconds).toBe(22);
    expect(sim.rang).toEqual(['201', '201', '202', '201', '202', '203']);
  });

  it('nobody answers: 480 once the group time is over', async () => {
    const sim = simulatePlan(await planFor('604', world([escalate])), {});
    expect(sim.result).toEqual({ kind: 'reject', status: 480, reason: 'Temporarily Unavailable' });
    expect(sim.elapsedSeconds).toBe(25);
  });

  it('an early member answering in a later step wins there', async () => {
    const sim = simulatePlan(await planFor('604', world([escalate])), { '202': { answerAfterSeconds: 3 } });
    expect(sim.result).toEqual({ kind: 'answered', target: '202', step: 1 });
    expect(sim.elapsedSeconds).toBe(13);
  });
});
