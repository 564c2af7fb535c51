import { describe, expect, it } from 'vitest';
import { callSuite, expectPassed, type SippResult } from './support/call-runner.js';

/**
 * In-dialog requests follow the dialog (issue #16 item 9, RFC 3261 §12.2.1.1): the route set learnt
 * from Record-Route (loose routing, §16.12) and the remote target as target refresh requests change
 * it (§12.2.2), on both legs. A sipp plays the Record-Routing proxy or the moved target, so each
 * request proves by arriving there; its Request-URI is checked in that sipp's message log.
 */
const suite = callSuite();

const all = (...results: SippResult[]) => results.forEach(expectPassed);

/** The request line of a request that sipp received, e.g. `BYE sip:moved@127.0.0.1:5070 SIP/2.0`. */
const requestLine = (method: string, uri: string) => `${method} ${uri} SIP/2.0`;

describe('in-dialog requests follow the dialog (sipp)', () => {
  it("callee's 200 Record-Routes through a proxy: the ACK and the BYE go to the proxy with Route, Request-URI = the callee's Contact", async () => {
    const r = await suite.run.call('201', 'call-uac-basic.xml', [
      { scenario: 'dialog-proxy-ack-bye.xml', bind: false },
      { scenario: 'dialog-uas-record-route.xml', args: ([proxy]) => ['-key', 'proxy_port', String(proxy)] },
    ]);
    const [proxy, callee] = r.callees as [SippResult, SippResult];
    all(r.caller, proxy, callee);
    const contact = /Contact: <(sip:callee-contact@127\.0\.0\.1:\d+)>/.exec(callee.messages)?.[1];
    expect(contact, callee.messages).toBeDefined();
    expect(proxy.messages).toContain(requestLine('ACK', contact!));
    expect(proxy.messages).toContain(requestLine('BYE', contact!));
    expect((await suite.run.onlyRecord()).hangupSide).toBe('caller');
    await suite.run.expectNoLiveCalls();
  });

  it("callee's re-INVITE moves its Contact (target refresh): the caller's BYE reaches the new target", async () => {
    const r = await suite.run.call('201', 'dialog-uac-reinvited.xml', [
      { scenario: 'dialog-uas-bye.xml', bind: false },
      { scenario: 'dialog-uas-refresh-contact.xml', args: ([moved]) => ['-key', 'new_port', String(moved)] },
    ]);
    const [moved, callee] = r.callees as [SippResult, SippResult];
    all(r.caller, moved, callee);
    expect(moved.messages).toMatch(/BYE sip:moved@127\.0\.0\.1:\d+ SIP\/2\.0/);
    expect(moved.messages).not.toMatch(/^Route:/m);
    await suite.run.expectNoLiveCalls();
  });

  /**
   * A call whose caller scenario names the first side sipp (`key` = its port): the proxy in front of
   * the caller or its moved target, which must receive the callee's BYE for the caller.
   */
  async function callerSideCall(caller: string, side: string, callee: string, key: string) {
    const r = await suite.run.call(
      '201',
      caller,
      [{ scenario: side, bind: false }, callee],
      '201',
      ([port]) => ['-key', key, String(port)],
    );
    const [sideSipp, calleeSipp] = r.callees as [SippResult, SippResult];
    all(r.caller, sideSipp, calleeSipp);
    expect((await suite.run.onlyRecord()).hangupSide).toBe('callee');
    await suite.run.expectNoLiveCalls();
    return sideSipp;
  }

  it("caller's INVITE is Record-Routed by a proxy: the 200 copies Record-Route and the callee's BYE reaches the caller through the proxy", async () => {
    const proxy = await callerSideCall(
      'dialog-uac-record-routed.xml',
      'dialog-proxy-bye.xml',
      'call-uas-answer-hangup.xml',
      'proxy_port',
    );
    expect(proxy.messages).toMatch(/BYE sip:100@127\.0\.0\.1:\d+ SIP\/2\.0/);
  });

  it("caller's re-INVITE moves its Contact (target refresh): the callee's BYE reaches the caller's new target", async () => {
    const moved = await callerSideCall(
      'dialog-uac-refresh-contact.xml',
      'dialog-uas-bye.xml',
      'dialog-uas-reinvited-hangup.xml',
      'new_port',
    );
    expect(moved.messages).toMatch(/BYE sip:moved@127\.0\.0\.1:\d+ SIP\/2\.0/);
  });
});
