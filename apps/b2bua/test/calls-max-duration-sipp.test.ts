import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * SWITCHBOARD_MAX_CALL_SECONDS through the real signalling role: an answered call that neither
 * side hangs up is ended by the B2BUA with BYE on both legs (the caller and callee scenarios
 * wait for that BYE and answer it 200), and the record says the system hung up.
 */
const suite = callSuite({ SWITCHBOARD_MAX_CALL_SECONDS: '2' });

describe('maximum call duration (sipp)', () => {
  it('ends an answered call after SWITCHBOARD_MAX_CALL_SECONDS with BYE on both legs', async () => {
    const r = await suite.run.call('201', 'call-uac-callee-hangup.xml', ['call-uas-answer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({
      disposition: 'answered',
      answeredBy: '201',
      hangupSide: 'system',
      hangupCause: 'max call duration',
    });
    const heldMs = rec.endedAt!.getTime() - rec.answeredAt!.getTime();
    expect(heldMs).toBeGreaterThanOrEqual(1900);
    expect(heldMs).toBeLessThan(10_000);
    await suite.run.expectNoLiveCalls();
  });
});
