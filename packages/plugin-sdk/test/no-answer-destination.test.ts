import { describe, expect, it } from 'vitest';
import { noAnswerStep, type NoAnswerDestination } from '../src/index.js';
import { testCall } from '../src/testkit/index.js';

const options = (unusable: NoAnswerDestination[] = []) => ({
  externalScheme: 'sip' as const,
  externalRingSeconds: 25,
  onUnusable: (d: NoAnswerDestination) => unusable.push(d),
});

describe('noAnswerStep', () => {
  it('maps each destination to the plan step that carries the call there', () => {
    const call = testCall('600');
    expect(noAnswerStep({ kind: 'extension', target: '210' }, call, options())).toEqual({
      type: 'reroute',
      destination: '210',
    });
    expect(noAnswerStep({ kind: 'ring_group', target: '601' }, call, options())).toEqual({
      type: 'reroute',
      destination: '601',
    });
    expect(noAnswerStep({ kind: 'voicemail', target: '210' }, call, options())).toEqual({
      type: 'voicemail',
      mailbox: '210',
    });
    expect(noAnswerStep({ kind: 'external', target: '0301234' }, call, options())).toEqual({
      type: 'dial',
      mode: 'parallel',
      targets: [{ kind: 'uri', uri: 'sip:0301234@pbx.test;user=phone' }],
      ringTimeoutSeconds: 25,
    });
    expect(noAnswerStep({ kind: 'busy' }, call, options())).toEqual({
      type: 'reject',
      status: 486,
      reason: 'Busy Here',
    });
    for (const kind of ['none', 'hangup'] as const) {
      expect(noAnswerStep({ kind }, call, options())).toMatchObject({ type: 'reject', status: 480 });
    }
  });

  it('a target that cannot be dialled is reported and gives 480', () => {
    const unusable: NoAnswerDestination[] = [];
    const bad: NoAnswerDestination[] = [
      { kind: 'extension', target: 'bob' },
      { kind: 'voicemail', target: '' },
      { kind: 'external', target: 'not a number' },
    ];
    for (const d of bad) {
      expect(noAnswerStep(d, testCall('600'), options(unusable))).toMatchObject({ status: 480 });
    }
    expect(unusable).toEqual(bad);
  });
});
