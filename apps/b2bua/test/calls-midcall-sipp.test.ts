import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { callRunner, expectPassed } from './support/call-runner.js';
import { type CallsHarness, killAllSipp, startCalls } from './support/calls-harness.js';

/**
 * Mid-call SIP through the running B2BUA, sipp on both legs (test/sipp/call-{uac,uas}-*.xml):
 * UPDATE hold/resume and INFO relayed with their responses, 491 glare and its retry, late offer.
 * (BYE from either side and re-INVITE with video are in calls-sipp.test.ts.)
 */
let h: CallsHarness;
let run: ReturnType<typeof callRunner>;
vi.setConfig({ testTimeout: 40_000 });

beforeAll(async () => {
  h = await startCalls({}, async (s) => {
    await s.addExtension('100', 'pw-100');
    await s.addExtension('201', 'pw-201');
  });
  run = callRunner(h);
}, 60_000);

afterAll(async () => {
  killAllSipp();
  await h?.close();
});

beforeEach(async () => {
  run.reset();
  await h.prisma.callRecord.deleteMany();
  await h.unbindAll('201');
});

async function expectAnsweredCall(): Promise<void> {
  expect(await run.onlyRecord()).toMatchObject({
    calleeNumber: '201',
    answeredBy: '201',
    disposition: 'answered',
    hangupSide: 'caller',
  });
  await run.expectNoLiveCalls();
}

describe('mid-call requests through the B2BUA (sipp)', () => {
  it('UPDATE hold (a=sendonly → a=recvonly) and resume relayed; INFO dtmf-relay relayed with the callee response', async () => {
    const r = await run.call('201', 'call-uac-update-info.xml', ['call-uas-update-info.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });

  it('491 glare: crossing re-INVITEs each get 491 (RFC 3261 §14.2), the retry after 2.5 s succeeds', async () => {
    const r = await run.call('201', 'call-uac-glare.xml', ['call-uas-glare.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });

  it("late-offer re-INVITE: no SDP relayed, the callee's offer in the caller's 200, the answer in the callee's ACK", async () => {
    const r = await run.call('201', 'call-uac-reinvite-late-offer.xml', ['call-uas-reinvite-late-offer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });

  it("late offer: no SDP towards the callee, its offer in the caller's 200, the caller's answer in the callee's ACK", async () => {
    const r = await run.call('201', 'call-uac-late-offer.xml', ['call-uas-late-offer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    await expectAnsweredCall();
  });
});
