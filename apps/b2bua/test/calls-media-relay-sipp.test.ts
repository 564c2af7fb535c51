import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callSuite, expectPassed, type SippResult } from './support/call-runner.js';
import { expectForkedEarlyMedia } from './support/forked-early-media.js';
import { rtpengineAvailable, relayEnv, testRtpengine, type TestRtpengine } from './support/test-rtpengine.js';

/**
 * Media mode `relay`: the same sipp calls as calls-sipp / calls-midcall-sipp, with every SDP
 * crossing the B2BUA through a real rtpengine. Each side must see rtpengine's address and ports
 * (never the other phone's), and every offer/answer (initial, 18x/2xx, re-INVITE, UPDATE, late
 * offer in the 2xx and answer in the ACK) must still complete.
 */
const env: Record<string, string> = {};
let rtpengine: TestRtpengine | undefined;

beforeAll(async () => {
  if (!rtpengineAvailable) return;
  rtpengine = await testRtpengine({ min: 45000, max: 45199 });
  Object.assign(env, relayEnv(rtpengine));
}, 20_000);
afterAll(async () => {
  await rtpengine?.stop();
});

const suite = callSuite(env);

/** Media ports in the SDP bodies a sipp instance received or sent (its message trace). */
function mediaPorts(r: SippResult, kind = 'audio'): number[] {
  return [...r.output.matchAll(new RegExp(`^\\s*m=${kind} (\\d+) `, 'gm'))].map((m) => Number(m[1]));
}

function inRelayRange(port: number): boolean {
  return rtpengine !== undefined && port >= rtpengine.portMin && port <= rtpengine.portMax;
}

describe.skipIf(!rtpengineAvailable)('calls with media mode relay (sipp + rtpengine)', () => {
  it("basic call: the callee's INVITE and the caller's 200 carry rtpengine's ports, not the phones'", async () => {
    const r = await suite.run.call('201', 'call-uac-basic.xml', ['call-uas-answer.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    const calleeSaw = mediaPorts(r.callees[0]!);
    const callerSaw = mediaPorts(r.caller);
    // Each trace holds the phone's own SDP (sent) and the relayed one (received).
    expect(calleeSaw.some(inRelayRange), r.callees[0]!.output).toBe(true);
    expect(callerSaw.some(inRelayRange), r.caller.output).toBe(true);
    expect(await suite.run.onlyRecord()).toMatchObject({ disposition: 'answered', answeredBy: '201' });
    await suite.run.expectNoLiveCalls();
  });

  it('re-INVITE adding video and removing it: every m-line crosses, video relayed too', async () => {
    const r = await suite.run.call('201', 'call-uac-reinvite-video.xml', ['call-uas-reinvite.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(mediaPorts(r.callees[0]!, 'video').some(inRelayRange), r.callees[0]!.output).toBe(true);
  });

  it('UPDATE hold and resume, INFO relayed', async () => {
    const r = await suite.run.call('201', 'call-uac-update-info.xml', ['call-uas-update-info.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
  });

  it("late offer: the callee's offer in the 200 and the caller's answer in the ACK go through rtpengine", async () => {
    const r = await suite.run.call('201', 'call-uac-late-offer-relay.xml', ['call-uas-late-offer-relay.xml']);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
    expect(mediaPorts(r.caller).some(inRelayRange), r.caller.output).toBe(true);
  });

  it("forked early media (#16 item 10): each branch's 183 on its own early dialog with rtpengine ports of its own; the 200 on the answering branch's", async () => {
    const { early, ok, answeringPort, otherPort } = await expectForkedEarlyMedia(suite.run);
    // rtpengine gives each branch (via-branch) its own ports toward the caller: never a phone's.
    for (const m of [...early, ok]) expect(inRelayRange(m.audioPort ?? 0)).toBe(true);
    expect(early.map((m) => m.audioPort)).not.toContain(answeringPort);
    expect(early.map((m) => m.audioPort)).not.toContain(otherPort);
  });

  it('late-offer re-INVITE', async () => {
    const r = await suite.run.call('201', 'call-uac-reinvite-late-offer-relay.xml', [
      'call-uas-reinvite-late-offer-relay.xml',
    ]);
    expectPassed(r.caller);
    r.callees.forEach(expectPassed);
  });
});
