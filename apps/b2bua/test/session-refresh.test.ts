import type { Logger } from '@switchboard/config';
import { Dialog, type IncomingRequest } from '@switchboard/dialog';
import { createRequest, createResponse, type SipRequest } from '@switchboard/sip';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import type { BridgeSide, Side } from '../src/calls/bridge/call-bridge.js';
import { SessionRefresh, type LegSessionTimer } from '../src/calls/bridge/session-refresh.js';
import { InDialogRoute } from '../src/calls/legs/in-dialog-route.js';
import { recordingSipPort } from './support/recording-sip-port.js';

const SETTINGS = { expires: 1800, minSE: 90 };
const sdp = (version: number) => ({
  contentType: 'application/sdp',
  content: Buffer.from(
    `v=0\r\no=- 1 ${version} IN IP4 192.0.2.1\r\ns=-\r\nc=IN IP4 192.0.2.1\r\nt=0 0\r\nm=audio 4000 RTP/AVP 0\r\n`,
  ),
});
const silent = { info: () => undefined, warn: () => undefined } as unknown as Logger;

/** The scripted world of one bridged call: the port records what the refresh sends, on a FakeClock. */
function bridged(legs: { caller: Partial<LegSessionTimer>; callee: Partial<LegSessionTimer> }) {
  const clock = new FakeClock();
  const { port, sent, acks } = recordingSipPort(clock);
  const side = (tag: string): BridgeSide => {
    const invite: IncomingRequest = {
      method: 'INVITE',
      requestUri: 'sip:b2bua@127.0.0.1',
      callId: `call-${tag}`,
      cseq: { seq: 1, method: 'INVITE' },
      from: { uri: `sip:${tag}@192.0.2.1`, tag: `${tag}-tag` },
      to: { uri: 'sip:b2bua@127.0.0.1' },
      contact: `sip:${tag}@192.0.2.1:5062`,
    };
    const dialog = Dialog.asUas(invite, `b2bua-${tag}`, { clock, localContact: 'sip:b2bua@127.0.0.1' });
    dialog.responseSent(invite, 200);
    // Pinned to the flow the phone's messages come from: every request goes to the scripted port.
    const route = new InDialogRoute(port, { host: '192.0.2.1', port: 5062, protocol: 'UDP' }, true);
    return { dialog, route, contact: 'sip:b2bua@127.0.0.1' };
  };
  const sides: Record<Side, BridgeSide> = { caller: side('caller'), callee: side('callee') };
  const leg = (l: Partial<LegSessionTimer>): LegSessionTimer => ({
    settings: SETTINGS,
    interval: 1800,
    refresher: 'remote',
    peerAllowsUpdate: true,
    sent: sdp(1),
    received: sdp(7),
    ...l,
  });
  const ended: Array<{ side: Side; cause: string }> = [];
  const refresh = new SessionRefresh({
    sides,
    clock,
    legs: { caller: leg(legs.caller), callee: leg(legs.callee) },
    allow: 'INVITE, ACK, BYE, CANCEL, UPDATE',
    logger: silent,
    call: { id: 'c1', callId: 'call-caller' },
    onEnd: (s, cause) => ended.push({ side: s, cause }),
  });
  const answer = (i: number, status: number, headers: Array<[string, string]> = [], body?: Buffer) => {
    const s = sent[i];
    if (!s) throw new Error(`request ${i} not sent`);
    s.handlers.onResponse?.(
      createResponse(s.request, status, { headers, ...(body ? { body } : {}) }),
      status,
    );
  };
  return { clock, sent, acks, sides, refresh, ended, answer };
}

/** An in-dialog request from the caller (its next CSeq) as the bridge receives it. */
function fromCaller(method: string, headers: Record<string, string>, body?: Buffer): SipRequest {
  return createRequest({
    method,
    uri: 'sip:b2bua@127.0.0.1',
    headers: {
      Via: 'SIP/2.0/UDP 192.0.2.1:5062;branch=z9hG4bKx1',
      'Max-Forwards': 70,
      From: '<sip:caller@192.0.2.1>;tag=caller-tag',
      To: '<sip:b2bua@127.0.0.1>;tag=b2bua-caller',
      'Call-ID': 'call-caller',
      CSeq: `2 ${method}`,
      Contact: '<sip:caller@192.0.2.1:5062>',
      ...headers,
      ...(body ? { 'Content-Type': 'application/sdp' } : {}),
    },
    ...(body ? { body } : {}),
  });
}

describe('SessionRefresh: RFC 4028 per leg of a bridged call, on the injected clock', () => {
  it('refreshes the leg it is refresher of by UPDATE at half the interval, re-armed by the 2xx', () => {
    const w = bridged({ caller: { interval: 7200 }, callee: { refresher: 'local' } });
    w.clock.advance(899_999);
    expect(w.sent).toHaveLength(0);
    w.clock.advance(1);
    expect(w.sent.map((s) => s.request.method)).toEqual(['UPDATE']);
    const update = w.sent[0]!.request;
    expect(update.callId).toBe('call-callee');
    expect(update.getHeader('Session-Expires')).toBe('1800;refresher=uac');
    expect(update.getHeader('Min-SE')).toBe('90');
    expect(update.body.length).toBe(0);
    w.clock.advance(10_000);
    w.answer(0, 200, [['Session-Expires', '1800;refresher=uac']]);
    w.clock.advance(899_999);
    expect(w.sent).toHaveLength(1);
    w.clock.advance(1);
    expect(w.sent).toHaveLength(2);
    expect(w.ended).toEqual([]);
  });

  it('refreshes by re-INVITE offering the SDP it sent last when the peer does not allow UPDATE, and ACKs', () => {
    const w = bridged({ caller: { refresher: 'local', peerAllowsUpdate: false }, callee: {} });
    w.clock.advance(900_000);
    const invite = w.sent[0]!.request;
    expect(invite.method).toBe('INVITE');
    expect(invite.body.equals(sdp(1).content)).toBe(true);
    w.answer(0, 200, [['Content-Type', 'application/sdp']], sdp(7).content);
    expect(w.acks.map((a) => `${a.ack.method} ${a.ack.cseq.seq}`)).toEqual([`ACK ${invite.cseq.seq}`]);
  });

  it('falls back to re-INVITE when the peer answers the UPDATE 405', () => {
    const w = bridged({ caller: {}, callee: { refresher: 'local' } });
    w.clock.advance(900_000);
    w.answer(0, 405);
    expect(w.sent.map((s) => s.request.method)).toEqual(['UPDATE', 'INVITE']);
  });

  it.each([
    [481, 'answered 481'],
    [408, 'answered 408'],
  ])('ends the call when its refresh gets %i, dialogs still up for the BYEs (§10)', (status, text) => {
    const w = bridged({ caller: {}, callee: { refresher: 'local' } });
    w.clock.advance(900_000);
    w.answer(0, status);
    expect(w.ended).toEqual([
      { side: 'callee', cause: `session refresh (UPDATE) on the callee leg ${text}` },
    ]);
    expect(w.sides.callee.dialog.state).toBe('confirmed');
    w.clock.advance(10_000_000);
    expect(w.ended).toHaveLength(1);
    expect(w.clock.pending()).toBe(0);
  });

  it('ends the call when its refresh gets no answer at all', () => {
    const w = bridged({ caller: {}, callee: { refresher: 'local' } });
    w.clock.advance(900_000);
    w.sent[0]!.handlers.onTimeout?.();
    expect(w.ended).toEqual([
      { side: 'callee', cause: 'session refresh (UPDATE) on the callee leg got no answer' },
    ]);
  });

  it('after a 422 sends the refresh again with the larger interval (§7.3)', () => {
    const w = bridged({ caller: {}, callee: { refresher: 'local' } });
    w.clock.advance(900_000);
    w.answer(0, 422, [['Min-SE', '3600']]);
    expect(w.sent).toHaveLength(2);
    expect(w.sent[1]!.request.getHeader('Session-Expires')).toBe('3600;refresher=uac');
    expect(w.sent[1]!.request.getHeader('Min-SE')).toBe('3600');
  });

  it('retries a refused refresh before the session expires, then ends the call at the expiry', () => {
    const w = bridged({ caller: {}, callee: { refresher: 'local', interval: 120 } });
    w.clock.advance(60_000);
    w.answer(0, 500);
    w.clock.advance(30_000);
    expect(w.sent).toHaveLength(2);
    w.clock.advance(30_000);
    expect(w.ended).toEqual([
      { side: 'callee', cause: 'session timer expired on the callee leg (no refresh within 120 s)' },
    ]);
  });

  it('hangs up when the peer that refreshes stays silent: min(32 s, SE/3) before the expiry (§10)', () => {
    const w = bridged({ caller: {}, callee: {} });
    w.clock.advance(1_767_999);
    expect(w.ended).toEqual([]);
    w.clock.advance(1);
    expect(w.ended.map((e) => e.side)).toEqual(['caller']);
    expect(w.sent).toHaveLength(0);
  });

  it('answers a pure refresh itself and re-arms that leg: UPDATE without SDP, re-INVITE with the same SDP', () => {
    const w = bridged({ caller: {}, callee: {} });
    w.clock.advance(1_000_000);
    const update = w.refresh.intercept(
      'caller',
      fromCaller('UPDATE', { Supported: 'timer', 'Session-Expires': '1800;refresher=uac' }),
    );
    expect(update?.status).toBe(200);
    expect(update?.getHeader('Session-Expires')).toBe('1800;refresher=uac');
    expect(update?.getHeader('Require')).toBe('timer');
    const reinvite = w.refresh.intercept(
      'caller',
      fromCaller('INVITE', { Supported: 'timer' }, sdp(7).content),
    );
    expect(reinvite?.status).toBe(200);
    expect(reinvite?.body.equals(sdp(1).content)).toBe(true);
    // A changed SDP is a new offer for the other leg: relayed, not answered here.
    expect(w.refresh.intercept('caller', fromCaller('INVITE', {}, sdp(8).content))).toBeUndefined();
    w.clock.advance(1_767_999); // re-armed at 1 000 000 by the refreshes
    expect(w.ended.map((e) => e.side)).toEqual(['callee']);
  });

  it('answers 422 with our Min-SE to a refresh asking for less (§9)', () => {
    const w = bridged({ caller: {}, callee: {} });
    const res = w.refresh.intercept('caller', fromCaller('UPDATE', { 'Session-Expires': '30' }));
    expect(res?.status).toBe(422);
    expect(res?.getHeader('Min-SE')).toBe('90');
  });

  it('an offer refused by the other leg does not become the SDP a refresh is compared with', () => {
    const w = bridged({ caller: {}, callee: {} });
    const relay = { ok: true as const, body: sdp(9), mediaCount: 1 };
    w.refresh.crossed('offer', 'caller', sdp(8), relay); // e.g. answered 491 by the callee
    expect(w.refresh.intercept('caller', fromCaller('INVITE', {}, sdp(8).content))).toBeUndefined();
    w.refresh.crossed('offer', 'caller', sdp(8), relay);
    w.refresh.crossed('answer', 'callee', sdp(10), { ok: true, body: sdp(11), mediaCount: 1 });
    expect(w.refresh.intercept('caller', fromCaller('INVITE', {}, sdp(8).content))?.body).toEqual(
      sdp(11).content,
    );
  });
});
