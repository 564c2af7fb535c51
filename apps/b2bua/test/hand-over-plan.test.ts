import { describe, expect, it } from 'vitest';
import { handOverPlan } from '../src/calls/transfer/local-hand-over.js';

describe('the plan of a hand-over (an auto attendant passing its caller on)', () => {
  it('a trunk destination dials the number through that trunk only, no plugin asked', () => {
    expect(handOverPlan({ destination: '+4930123456', trunk: 'carrier-b' })).toEqual({
      steps: [
        {
          type: 'dial',
          mode: 'parallel',
          targets: [{ kind: 'trunk', trunk: 'carrier-b', number: '+4930123456' }],
          ringTimeoutSeconds: 60,
        },
      ],
    });
  });

  it('any other destination is routed by the plugins (no plan of its own)', () => {
    expect(handOverPlan({ destination: '600' })).toBeUndefined();
  });

  it('a trunk or number no plan may carry is refused with the reason', () => {
    expect(handOverPlan({ destination: '03012', trunk: 'bad name' })).toContain('trunk');
    expect(handOverPlan({ destination: 'sip:x@y', trunk: 'carrier-b' })).toContain('number');
  });
});
