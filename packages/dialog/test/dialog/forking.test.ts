import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { UacInviteDialogs } from '../../src/index.js';
import { ALICE_CONTACT, aliceInvite, recorder, responseTo } from './fixtures.js';

// Bob's proxy forks the INVITE to his desk phone (tag "desk") and his softphone (tag "soft").
const RR = ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'];
const DESK = { contact: 'sip:bob@192.0.2.4', recordRoute: RR };
const SOFT = { contact: 'sip:bob@198.51.100.7;transport=tcp', recordRoute: RR };

function setup() {
  const clock = new FakeClock();
  const rec = recorder(clock);
  const invite = aliceInvite();
  const uac = new UacInviteDialogs(
    invite,
    { clock, localContact: ALICE_CONTACT, hooks: rec.hooks },
    {
      headers: [{ name: 'Proxy-Authorization', value: 'Digest username="alice"' }],
    },
  );
  return { clock, rec, invite, uac };
}

describe('UAC dialogs of a forked INVITE (RFC 3261 §13.2.2.4)', () => {
  it('creates one early dialog per To tag, each with its own remote target and the reversed route set', () => {
    const { invite, uac } = setup();
    expect(uac.receiveResponse(responseTo(invite, 100, undefined))).toEqual({
      kind: 'provisional',
      created: false,
    });
    const desk = uac.receiveResponse(responseTo(invite, 180, 'desk', DESK));
    const soft = uac.receiveResponse(responseTo(invite, 183, 'soft', SOFT));
    const again = uac.receiveResponse(responseTo(invite, 180, 'desk', DESK));
    if (desk.kind !== 'provisional' || soft.kind !== 'provisional' || again.kind !== 'provisional') {
      throw new Error('expected provisional outcomes');
    }
    expect([desk.created, soft.created, again.created]).toEqual([true, true, false]);
    expect(again.dialog).toBe(desk.dialog);
    expect(uac.dialogs).toHaveLength(2);
    expect(
      uac.dialogs.map((d) => ({ id: d.id, state: d.state, target: d.remoteTarget, routes: d.routeSet })),
    ).toEqual([
      {
        id: { callId: invite.callId, localTag: '1928301774', remoteTag: 'desk' },
        state: 'early',
        target: 'sip:bob@192.0.2.4',
        routes: ['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>'],
      },
      {
        id: { callId: invite.callId, localTag: '1928301774', remoteTag: 'soft' },
        state: 'early',
        target: 'sip:bob@198.51.100.7;transport=tcp',
        routes: ['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>'],
      },
    ]);
    expect(desk.dialog?.localSeq).toBe(314159);
    expect(desk.dialog?.remoteSeq).toBeUndefined();
  });

  it('confirms the answering branch, ACKs every 2xx with the same ACK, and ends the other early dialog after 64*T1', () => {
    const { clock, rec, invite, uac } = setup();
    uac.receiveResponse(responseTo(invite, 180, 'desk', DESK));
    uac.receiveResponse(responseTo(invite, 180, 'soft', SOFT));
    // The 2xx may carry a different Record-Route and Contact: the route set is recomputed (§13.2.2.4).
    const ok = uac.receiveResponse(
      responseTo(invite, 200, 'soft', {
        contact: 'sip:bob@198.51.100.8',
        recordRoute: ['<sip:p3.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'],
      }),
    );
    if (ok.kind !== 'success') throw new Error('expected success');
    expect(ok.first).toBe(true);
    expect(ok.retransmission).toBe(false);
    expect(ok.dialog.state).toBe('confirmed');
    expect(ok.ack).toEqual({
      method: 'ACK',
      requestUri: 'sip:bob@198.51.100.8',
      route: ['<sip:p1.atlanta.com;lr>', '<sip:p3.biloxi.com;lr>'],
      nextHop: 'sip:p1.atlanta.com;lr',
      from: { uri: 'sip:alice@atlanta.com', displayName: 'Alice', tag: '1928301774' },
      to: { uri: 'sip:bob@biloxi.com', displayName: 'Bob', tag: 'soft' },
      callId: invite.callId,
      cseq: { seq: 314159, method: 'ACK' },
      maxForwards: 70,
      headers: [{ name: 'Proxy-Authorization', value: 'Digest username="alice"' }],
    });

    const retransmitted = uac.receiveResponse(
      responseTo(invite, 200, 'soft', { contact: 'sip:bob@198.51.100.8' }),
    );
    if (retransmitted.kind !== 'success') throw new Error('expected success');
    expect(retransmitted.retransmission).toBe(true);
    expect(retransmitted.first).toBe(false);
    expect(retransmitted.ack).toBe(ok.ack);

    const desk = uac.dialogs.find((d) => d.id.remoteTag === 'desk');
    clock.advance(64 * 500 - 1);
    expect(desk?.state).toBe('early');
    clock.advance(1);
    expect(desk?.state).toBe('terminated');
    expect(ok.dialog.state).toBe('confirmed');
    expect(rec.states).toEqual([
      { state: 'confirmed', localTag: '1928301774', remoteTag: 'soft' },
      { state: 'terminated', reason: 'fork-expired', localTag: '1928301774', remoteTag: 'desk' },
    ]);
    expect(uac.receiveResponse(responseTo(invite, 200, 'desk', DESK))).toEqual({
      kind: 'ignored',
      reason: 'INVITE completed 64*T1 after the first 2xx',
    });
  });

  it('gives a second answering branch its own confirmed dialog, ACK and BYE', () => {
    const { invite, uac } = setup();
    uac.receiveResponse(responseTo(invite, 180, 'desk', DESK));
    const first = uac.receiveResponse(responseTo(invite, 200, 'soft', SOFT));
    const second = uac.receiveResponse(responseTo(invite, 200, 'desk', DESK));
    if (first.kind !== 'success' || second.kind !== 'success') throw new Error('expected success');
    expect(first.first).toBe(true);
    expect(second.first).toBe(false);
    expect(second.dialog).not.toBe(first.dialog);
    expect(second.ack.requestUri).toBe('sip:bob@192.0.2.4');
    expect(second.ack.to.tag).toBe('desk');
    const bye = second.dialog.createRequest('BYE');
    expect(bye).toMatchObject({
      method: 'BYE',
      requestUri: 'sip:bob@192.0.2.4',
      route: ['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>'],
      cseq: { seq: 314160, method: 'BYE' },
      to: { tag: 'desk' },
    });
    second.dialog.responseReceived(bye, { ...responseTo(invite, 200, 'desk'), cseq: bye.cseq });
    expect(second.dialog.state).toBe('terminated');
    expect(first.dialog.state).toBe('confirmed');
  });

  it('ends every early dialog on a final failure and on Timer B', () => {
    const a = setup();
    a.uac.receiveResponse(responseTo(a.invite, 180, 'desk', DESK));
    a.uac.receiveResponse(responseTo(a.invite, 180, 'soft', SOFT));
    const failure = a.uac.receiveResponse(responseTo(a.invite, 486, 'soft'));
    expect(failure.kind === 'failure' ? failure.terminated.map((d) => d.id.remoteTag) : []).toEqual([
      'desk',
      'soft',
    ]);
    expect(a.rec.states.map((s) => s.reason)).toEqual(['rejected', 'rejected']);

    const b = setup();
    b.uac.receiveResponse(responseTo(b.invite, 180, 'desk', DESK));
    expect(b.uac.transactionFailed().map((d) => d.state)).toEqual(['terminated']);
    expect(b.rec.states.map((s) => s.reason)).toEqual(['timeout']);
  });

  it('ignores responses to other requests and a 2xx without To tag', () => {
    const { invite, uac } = setup();
    expect(uac.receiveResponse({ ...responseTo(invite, 200, 'x'), callId: 'other' }).kind).toBe('ignored');
    expect(
      uac.receiveResponse({ ...responseTo(invite, 200, 'x'), from: { uri: 'sip:a', tag: 'zzz' } }).kind,
    ).toBe('ignored');
    expect(uac.receiveResponse(responseTo(invite, 200, undefined, SOFT))).toEqual({
      kind: 'ignored',
      reason: '2xx without To tag',
    });
  });
});
