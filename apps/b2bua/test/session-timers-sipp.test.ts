import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * RFC 4028 session timers through the real signalling role, each leg its own session. Intervals are
 * seconds (SWITCHBOARD_SESSION_MIN_SE below RFC 4028's floor of 90 is a test-only setting), so a
 * refresh is due after 2 s and a silent peer is hung up after under 3 s.
 */
const suite = callSuite({ SWITCHBOARD_SESSION_EXPIRES: '4', SWITCHBOARD_SESSION_MIN_SE: '2' });

describe('RFC 4028 session timers (sipp)', () => {
  it('refreshes a callee that chose refresher=uac by UPDATE, and answers the caller’s own UPDATE refresh itself', async () => {
    const r = await suite.run.call('201', 'timer-uac-update-refresh.xml', ['timer-uas-refresher-uac.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({ disposition: 'answered', hangupSide: 'caller', hangupCause: 'BYE' });
    await suite.run.expectNoLiveCalls();
  });

  it('refreshes a caller without session timers or UPDATE by re-INVITE with the SDP it had', async () => {
    const r = await suite.run.call('201', 'timer-uac-reinvite-refresh.xml', ['timer-uas-refresher-uac.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await suite.run.onlyRecord()).toMatchObject({ hangupSide: 'caller', hangupCause: 'BYE' });
  });

  it('hangs up both legs when the caller never refreshes (§10), with the cause in the record', async () => {
    const r = await suite.run.call('201', 'timer-uac-no-refresh.xml', ['timer-uas-refresher-uas.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const rec = await suite.run.onlyRecord();
    expect(rec).toMatchObject({
      disposition: 'answered',
      hangupSide: 'system',
      hangupCause: 'session timer expired on the caller leg (no refresh within 3 s)',
    });
    // Session-Expires 3: BYE min(32 s, 1 s) before the session would expire, i.e. 2 s after the answer.
    const heldMs = rec.endedAt!.getTime() - rec.answeredAt!.getTime();
    expect(heldMs).toBeGreaterThanOrEqual(1900);
    expect(heldMs).toBeLessThan(3000);
    await suite.run.expectNoLiveCalls();
  });

  it('answers 422 with Min-SE to a too short Session-Expires, and retries its own INVITE after a callee’s 422', async () => {
    const r = await suite.run.call('201', 'timer-uac-422.xml', ['timer-uas-422.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(await suite.run.onlyRecord()).toMatchObject({ disposition: 'answered', hangupSide: 'caller' });
  });
});
