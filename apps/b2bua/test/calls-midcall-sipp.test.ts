import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed } from './support/call-runner.js';

/**
 * Mid-call SIP through the running B2BUA, sipp on both legs (test/sipp/call-{uac,uas}-*.xml):
 * UPDATE hold/resume and INFO relayed with their responses, 491 glare and its retry, late offer.
 * (BYE from either side and re-INVITE with video are in calls-sipp.test.ts.)
 */
const suite = callSuite();

async function expectAnsweredCall(): Promise<void> {
  expect(await suite.run.onlyRecord()).toMatchObject({
    calleeNumber: '201',
    answeredBy: '201',
    disposition: 'answered',
    hangupSide: 'caller',
  });
  await suite.run.expectNoLiveCalls();
}

describe('mid-call requests through the B2BUA (sipp)', () => {
  it('UPDATE hold (a=sendonly → a=recvonly) and resume relayed; INFO dtmf-relay relayed with the callee response', async () => {
    const r = await suite.run.call('201', 'call-uac-update-info.xml', ['call-uas-update-info.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });

  it('491 glare: crossing re-INVITEs each get 491 (RFC 3261 §14.2), the retry after 2.5 s succeeds', async () => {
    const r = await suite.run.call('201', 'call-uac-glare.xml', ['call-uas-glare.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });

  it("late-offer re-INVITE: no SDP relayed, the callee's offer in the caller's 200, the answer in the callee's ACK", async () => {
    const r = await suite.run.call('201', 'call-uac-reinvite-late-offer.xml', [
      'call-uas-reinvite-late-offer.xml',
    ]);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });

  it("late offer: no SDP towards the callee, its offer in the caller's 200, the caller's answer in the callee's ACK", async () => {
    const r = await suite.run.call('201', 'call-uac-late-offer.xml', ['call-uas-late-offer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });
});
