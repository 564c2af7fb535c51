import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import {
  Dialog,
  isLooseRouter,
  outgoingRequestHeaders,
  requestUriFrom,
  resolveRequestTarget,
  routeUri,
  splitHeaderList,
} from '../../src/index.js';
import { ALICE_CONTACT, aliceInvite, bobReceivesInvite, responseTo } from './fixtures.js';

describe('Request-URI and Route for requests within a dialog (RFC 3261 §12.2.1.1)', () => {
  it('sends to the remote target without Route when the route set is empty', () => {
    expect(resolveRequestTarget('sip:bob@192.0.2.4', [])).toEqual({
      requestUri: 'sip:bob@192.0.2.4',
      route: [],
      nextHop: 'sip:bob@192.0.2.4',
    });
  });

  it('keeps the remote target and the whole route set when the first hop is a loose router', () => {
    const routes = ['<sip:p1.example.com;lr>', '<sip:p2.example.com;lr>'];
    expect(resolveRequestTarget('sip:bob@192.0.2.4', routes)).toEqual({
      requestUri: 'sip:bob@192.0.2.4',
      route: routes,
      nextHop: 'sip:p1.example.com;lr', // §8.1.2: sent to the first Route
    });
  });

  it('follows the RFC example for a strict first hop', () => {
    // §12.2.1.1: route set <sip:proxy1>,<sip:proxy2>,<sip:proxy3;lr>,<sip:proxy4>, remote target sip:user@remoteua.
    expect(
      resolveRequestTarget('sip:user@remoteua', [
        '<sip:proxy1>',
        '<sip:proxy2>',
        '<sip:proxy3;lr>',
        '<sip:proxy4>',
      ]),
    ).toEqual({
      requestUri: 'sip:proxy1',
      route: ['<sip:proxy2>', '<sip:proxy3;lr>', '<sip:proxy4>', '<sip:user@remoteua>'],
      nextHop: 'sip:proxy1', // §8.1.2: a strict first hop → the Request-URI
    });
  });

  it('strips the method parameter and headers when a strict route becomes the Request-URI (§19.1.1)', () => {
    expect(resolveRequestTarget('sip:u@h', ['<sip:proxy1;maddr=10.0.0.1;method=INVITE?subject=x>'])).toEqual({
      requestUri: 'sip:proxy1;maddr=10.0.0.1',
      route: ['<sip:u@h>'],
      nextHop: 'sip:proxy1;maddr=10.0.0.1',
    });
  });

  it('reads lr after the host only, not in user parameters, and parses name-addr routes', () => {
    expect(isLooseRouter('sip:p1.example.com;transport=tcp;LR')).toBe(true);
    expect(isLooseRouter('sip:+1555;lr=x@gw.example.com')).toBe(false);
    expect(isLooseRouter('sip:gw.example.com?h=;lr')).toBe(false);
    expect(routeUri('"Proxy, <one>" <sip:p1;lr>;foo=bar')).toBe('sip:p1;lr');
    expect(routeUri('sip:p1;lr')).toBe('sip:p1;lr');
    expect(requestUriFrom('sip:p1')).toBe('sip:p1');
    expect(splitHeaderList('<sip:p1;lr>, "a,b" <sip:p2;lr>,<sip:p3?x=a,b>')).toEqual([
      '<sip:p1;lr>',
      '"a,b" <sip:p2;lr>',
      '<sip:p3?x=a,b>',
    ]);
  });
});

describe('in-dialog requests through a route set', () => {
  const clock = new FakeClock();

  it('UAC: BYE, re-INVITE, UPDATE, INFO, REFER, NOTIFY follow the reversed Record-Route and count CSeq up', () => {
    const invite = aliceInvite();
    const dialog = Dialog.asUac(
      invite,
      responseTo(invite, 200, 'b1', {
        contact: 'sip:bob@192.0.2.4',
        recordRoute: ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com>'],
      }),
      { clock, localContact: ALICE_CONTACT },
    );
    // Reversed: the first hop p1.atlanta.com is a strict router.
    expect(dialog.routeSet).toEqual(['<sip:p1.atlanta.com>', '<sip:p2.biloxi.com;lr>']);
    const methods = ['INVITE', 'UPDATE', 'INFO', 'REFER', 'NOTIFY', 'BYE'];
    const requests = methods.map((m) => {
      const r = dialog.createRequest(m);
      if (m === 'INVITE') dialog.responseReceived(r, { ...responseTo(invite, 200, 'b1'), cseq: r.cseq });
      return r;
    });
    expect(requests.map((r) => [r.cseq.seq, r.cseq.method, r.requestUri, r.contact])).toEqual([
      [314160, 'INVITE', 'sip:p1.atlanta.com', ALICE_CONTACT],
      [314161, 'UPDATE', 'sip:p1.atlanta.com', ALICE_CONTACT],
      [314162, 'INFO', 'sip:p1.atlanta.com', undefined],
      [314163, 'REFER', 'sip:p1.atlanta.com', ALICE_CONTACT],
      [314164, 'NOTIFY', 'sip:p1.atlanta.com', ALICE_CONTACT],
      [314165, 'BYE', 'sip:p1.atlanta.com', undefined],
    ]);
    for (const r of requests) {
      expect(r.route).toEqual(['<sip:p2.biloxi.com;lr>', '<sip:bob@192.0.2.4>']);
      expect(r.nextHop).toBe('sip:p1.atlanta.com'); // the loose p2 in Route is not the next hop
      expect(r.from).toEqual({ uri: 'sip:alice@atlanta.com', displayName: 'Alice', tag: '1928301774' });
      expect(r.to).toEqual({ uri: 'sip:bob@biloxi.com', displayName: 'Bob', tag: 'b1' });
      expect(r.callId).toBe(invite.callId);
    }
  });

  it('UAS: uses the Record-Route in received order and swaps From/To', () => {
    const req = bobReceivesInvite();
    const dialog = Dialog.asUas(req, 'bobtag', {
      clock,
      localContact: 'sip:bob@192.0.2.4',
      initialLocalSeq: 7,
    });
    dialog.responseSent(req, 200);
    const info = dialog.createRequest('INFO', {
      headers: [{ name: 'Info-Package', value: 'dtmf' }],
      body: { contentType: 'application/dtmf-relay', content: 'Signal=5\r\nDuration=160\r\n' },
    });
    expect(info).toMatchObject({
      requestUri: 'sip:alice@pc33.atlanta.com',
      route: ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'],
      from: { uri: 'sip:bob@biloxi.com', tag: 'bobtag' },
      to: { uri: 'sip:alice@atlanta.com', tag: '1928301774' },
      cseq: { seq: 8, method: 'INFO' },
    });
    expect(outgoingRequestHeaders(info)).toEqual([
      { name: 'Route', value: '<sip:p2.biloxi.com;lr>' },
      { name: 'Route', value: '<sip:p1.atlanta.com;lr>' },
      { name: 'Max-Forwards', value: '70' },
      { name: 'From', value: '"Bob" <sip:bob@biloxi.com>;tag=bobtag' },
      { name: 'To', value: '"Alice" <sip:alice@atlanta.com>;tag=1928301774' },
      { name: 'Call-ID', value: 'a84b4c76e66710@pc33.atlanta.com' },
      { name: 'CSeq', value: '8 INFO' },
      { name: 'Info-Package', value: 'dtmf' },
      { name: 'Content-Type', value: 'application/dtmf-relay' },
    ]);
  });
});
