import { Dialog, type IncomingRequest } from '@switchboard/dialog';
import { createRequest, createResponse, type SipMessage, type SipResponse } from '@switchboard/sip';
import { DEFAULT_TIMERS, FakeClock, type ServerTransaction } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { CallBridge } from '../src/calls/bridge/call-bridge.js';
import { confirmedUacDialog, recordingSipPort } from './support/recording-sip-port.js';
import { InDialogRoute } from '../src/calls/legs/in-dialog-route.js';

/**
 * re-INVITE relay through CallBridge (issue #16 item 11) on a FakeClock with a recording port:
 * a retransmitted 2xx is not a new answer, ACKs are matched per side and CSeq, a 2xx with unusable
 * SDP is ACKed then ended with BYE, and no ACK for our 2xx within 64*T1 ends the call with BYE.
 */
const SDP = (port: number, extra = '') =>
  `v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio ${port} RTP/AVP 0\r\n${extra}`;
const B2BUA = 'sip:b2bua@127.0.0.1:5060';
const CALLER = { host: '127.0.0.1', port: 5071, protocol: 'UDP' as const };
const CALLEE = { host: '127.0.0.1', port: 5072, protocol: 'UDP' as const };

function setUp(pinnedCaller = false) {
  const clock = new FakeClock();
  const { port, sent: requests, acks } = recordingSipPort(clock, B2BUA);
  // The caller's dialog (we are its UAS) and the callee's (we are its UAC), both confirmed.
  const callerInvite: IncomingRequest = {
    method: 'INVITE',
    requestUri: 'sip:201@pbx.test',
    callId: 'caller-call',
    cseq: { seq: 1, method: 'INVITE' },
    from: { uri: 'sip:100@pbx.test', tag: 'caller-tag' },
    to: { uri: 'sip:201@pbx.test' },
    contact: 'sip:100@127.0.0.1:5071',
  };
  const callerDialog = Dialog.asUas(callerInvite, 'b2bua-tag', { clock, localContact: B2BUA });
  callerDialog.responseSent(callerInvite, 200);
  const calleeDialog = confirmedUacDialog(clock, {
    callId: 'callee-call',
    localTag: 'leg-tag',
    remoteTag: 'callee-tag',
    user: '201',
    port: 5072,
    localContact: B2BUA,
  });
  const ended: string[] = [];
  const bridge = new CallBridge(
    port,
    {
      caller: { dialog: callerDialog, route: new InDialogRoute(port, CALLER, pinnedCaller), contact: B2BUA },
      callee: { dialog: calleeDialog, route: new InDialogRoute(port, CALLEE, false), contact: B2BUA },
    },
    {
      onHangup: () => undefined,
      onAckFailed: () => undefined,
      onEnded: (cause) => ended.push(cause),
    },
    'INVITE, ACK, BYE, UPDATE, INFO',
  );

  /** A request of the caller's dialog toward us (re-INVITE or ACK) with CSeq `seq`. */
  const fromCaller = (method: 'INVITE' | 'ACK', seq: number, body?: string) =>
    createRequest({
      method,
      uri: B2BUA,
      headers: [
        ['Via', `SIP/2.0/UDP 127.0.0.1:5071;branch=z9hG4bK-${method}${seq}`],
        ['Max-Forwards', '70'],
        ['From', '<sip:100@pbx.test>;tag=caller-tag'],
        ['To', '<sip:201@pbx.test>;tag=b2bua-tag'],
        ['Call-ID', 'caller-call'],
        ['CSeq', `${seq} ${method}`],
        ...(method === 'INVITE' ? [['Contact', '<sip:100@127.0.0.1:5071>'] as const] : []),
        ...(body === undefined ? [] : [['Content-Type', 'application/sdp'] as const]),
      ],
      ...(body === undefined ? {} : { body }),
    });

  /** The caller's re-INVITE (CSeq `seq`) reaches the bridge; returns what we answered it. */
  const callerReinvite = (seq: number, body?: string, sourcePort = CALLER.port) => {
    const request = fromCaller('INVITE', seq, body);
    const responses: SipResponse[] = [];
    const tx = {
      request,
      respond: (m: SipMessage) => responses.push(m as SipResponse),
      reply: (status: number, reason?: string) => {
        const r = createResponse(request, status, reason === undefined ? {} : { reason });
        responses.push(r);
        return r;
      },
      origin: {
        source: { host: CALLER.host, port: sourcePort },
        transport: { protocol: 'UDP', reliable: false, timers: DEFAULT_TIMERS },
        flowId: undefined,
      },
    } as unknown as ServerTransaction<SipMessage>;
    bridge.handleRequest('caller', request, tx);
    return responses;
  };

  /** The callee answers the relayed request `i` (its 2xx, or a retransmission of it). */
  const calleeAnswers = (i: number, status: number, body?: string) => {
    const sent = requests[i]!;
    const res = createResponse(sent.request, status, {
      headers: [
        ['Contact', '<sip:201@127.0.0.1:5072>'],
        ...(body === undefined ? [] : [['Content-Type', 'application/sdp'] as const]),
      ],
      ...(body === undefined ? {} : { body }),
    });
    sent.handlers.onResponse?.(res, status);
  };

  /** An ACK with CSeq `seq` reaches the bridge as if from `from` (the callee's case tests the matching). */
  const ack = (seq: number, from: 'caller' | 'callee' = 'caller', body?: string) =>
    bridge.handleAck(from, fromCaller('ACK', seq, body));

  const methods = () => requests.map((r) => r.request.method);
  /** The callee hangs up: its BYE reaches the bridge, which sends BYE to the caller. */
  const calleeHangsUp = () => {
    const bye = createRequest({
      method: 'BYE',
      uri: B2BUA,
      headers: [
        ['Via', 'SIP/2.0/UDP 127.0.0.1:5072;branch=z9hG4bK-bye'],
        ['Max-Forwards', '70'],
        ['From', '<sip:201@pbx.test>;tag=callee-tag'],
        ['To', '<sip:100@pbx.test>;tag=leg-tag'],
        ['Call-ID', 'callee-call'],
        ['CSeq', '9 BYE'],
      ],
    });
    const tx = {
      request: bye,
      reply: (status: number) => createResponse(bye, status),
      origin: {
        source: { host: CALLEE.host, port: CALLEE.port },
        transport: { protocol: 'UDP', reliable: false, timers: DEFAULT_TIMERS },
        flowId: undefined,
      },
    } as unknown as ServerTransaction<SipMessage>;
    bridge.handleRequest('callee', bye, tx);
  };

  return { clock, requests, acks, ended, callerReinvite, calleeAnswers, ack, methods, calleeHangsUp };
}

describe('CallBridge re-INVITE relay (issue #16 item 11; RFC 3261 §13.2.2.4, §13.3.1.4, §14)', () => {
  it('a retransmitted 2xx gets the same ACK again and is not relayed as a new answer', () => {
    const t = setUp();
    const toCaller = t.callerReinvite(2, SDP(4000, 'a=sendonly\r\n'));
    expect(t.methods()).toEqual(['INVITE']);
    t.calleeAnswers(0, 200, SDP(5000, 'a=recvonly\r\n'));
    t.calleeAnswers(0, 200, SDP(5000, 'a=recvonly\r\n')); // the callee's 2xx retransmission
    expect(t.acks.map((a) => `${a.ack.method} ${a.ack.cseq.seq} → ${a.to}`)).toEqual([
      'ACK 2 → 5072', // the CSeq of our re-INVITE in the callee's dialog
      'ACK 2 → 5072',
    ]);
    expect(t.acks[1]!.ack.toString()).toBe(t.acks[0]!.ack.toString());
    expect(toCaller.map((r) => r.status)).toEqual([200]);
    // One 2xx retransmitter toward the caller, not two: one resend at T1, one at 2*T1 after that.
    t.clock.advance(500);
    expect(toCaller.map((r) => r.status)).toEqual([200, 200]);
    t.clock.advance(1000);
    expect(toCaller.map((r) => r.status)).toEqual([200, 200, 200]);
    t.ack(2);
    t.clock.advance(10_000);
    expect(toCaller).toHaveLength(3);
    expect(t.ended).toEqual([]);
  });

  it('late offer: a 2xx retransmission while the ACK waits for the caller sends no ACK; afterwards the ACK with the answer again', () => {
    const t = setUp();
    const toCaller = t.callerReinvite(2); // no SDP: the callee's 2xx carries the offer
    t.calleeAnswers(0, 200, SDP(5000));
    t.calleeAnswers(0, 200, SDP(5000));
    expect(t.acks).toEqual([]);
    expect(toCaller[0]?.body.toString()).toContain('m=audio 5000');
    t.ack(2, 'caller', SDP(4000));
    t.calleeAnswers(0, 200, SDP(5000));
    expect(t.acks.map((a) => a.ack.body.toString().includes('m=audio 4000'))).toEqual([true, true]);
  });

  it("ACKs are matched per side and CSeq: the callee's ACK or an ACK of another CSeq leave our 2xx to the caller retransmitting", () => {
    const t = setUp();
    const toCaller = t.callerReinvite(2, SDP(4000));
    t.calleeAnswers(0, 200, SDP(5000));
    t.ack(2, 'callee');
    t.ack(7, 'caller');
    t.clock.advance(500);
    expect(toCaller.map((r) => r.status)).toEqual([200, 200]);
    t.ack(2, 'caller');
    t.clock.advance(10_000);
    expect(toCaller).toHaveLength(2);
  });

  it('a 2xx with unusable SDP is ACKed, then BYE on both sides; the asking side gets 488 with the reason', () => {
    const t = setUp();
    const toCaller = t.callerReinvite(2, SDP(4000));
    t.calleeAnswers(0, 200, 'v=0\r\nthis is not SDP\r\n');
    expect(t.acks.map((a) => a.to)).toEqual([5072]);
    expect(t.methods()).toEqual(['INVITE', 'BYE', 'BYE']);
    expect(toCaller.map((r) => r.status)).toEqual([488]);
    expect(toCaller[0]?.getHeader('Warning')).toMatch(/^399 /);
    expect(t.ended).toHaveLength(1);
    expect(t.ended[0]).toMatch(/unusable SDP in the callee's 2xx/);
  });

  it('no ACK for our 2xx to the re-INVITE within 64*T1: BYE on both legs, the call ends', () => {
    const t = setUp();
    const toCaller = t.callerReinvite(2, SDP(4000));
    t.calleeAnswers(0, 200, SDP(5000));
    t.clock.advance(64 * 500 - 1);
    expect(t.methods()).toEqual(['INVITE']);
    t.clock.advance(1);
    expect(t.methods()).toEqual(['INVITE', 'BYE', 'BYE']);
    expect(t.ended).toEqual(['no ACK from the caller for the 2xx to its re-INVITE']);
    const resends = toCaller.length;
    t.clock.advance(60_000);
    expect(toCaller).toHaveLength(resends);
  });

  it('a pinned caller (NAT) is reached where its accepted requests come from; a rejected one does not move it (issue #16 item 9)', () => {
    const t = setUp(true);
    t.callerReinvite(2, SDP(4000), 6000); // its NAT mapping changed: accepted, from port 6000
    t.calleeAnswers(0, 200, SDP(5000));
    t.ack(2);
    const stale = t.callerReinvite(1, SDP(4000), 6666); // an old CSeq from elsewhere: 500, no move
    expect(stale.map((r) => r.status)).toEqual([500]);
    t.calleeHangsUp();
    expect(t.requests.map((r) => `${r.request.method} → ${r.to}`)).toEqual(['INVITE → 5072', 'BYE → 6000']);
  });
});
