import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { Dialog, DialogMessageError, DialogStateError, DialogTable } from '../../src/index.js';
import {
  ALICE_CONTACT,
  aliceInvite,
  answer,
  bobReceivesInvite,
  inDialogRequestFrom,
  recorder,
  responseTo,
} from './fixtures.js';

function confirmedPair() {
  const clock = new FakeClock();
  const rec = recorder(clock);
  const invite = aliceInvite();
  const alice = Dialog.asUac(invite, responseTo(invite, 200, 'bobtag', { contact: 'sip:bob@192.0.2.4' }), {
    clock,
    localContact: ALICE_CONTACT,
    hooks: rec.hooks,
  });
  const req = bobReceivesInvite({ recordRoute: [] });
  const bob = Dialog.asUas(req, 'bobtag', { clock, localContact: 'sip:bob@192.0.2.4', hooks: rec.hooks });
  bob.responseSent(req, 200);
  return { clock, rec, alice, bob };
}

describe('remote target refresh', () => {
  it('UAS: a re-INVITE with a new Contact moves the remote target once answered with 2xx', () => {
    const { bob } = confirmedPair();
    const reinvite = inDialogRequestFrom(bob, 'INVITE', 314160, { contact: 'sip:alice@203.0.113.9' });
    expect(bob.receiveRequest(reinvite)).toEqual({ accept: true });
    expect(bob.remoteTarget).toBe(ALICE_CONTACT);
    bob.responseSent(reinvite, 200);
    expect(bob.remoteTarget).toBe('sip:alice@203.0.113.9');
    expect(bob.remoteSeq).toBe(314160);
    expect(bob.createRequest('BYE').requestUri).toBe('sip:alice@203.0.113.9');
  });

  it('UAS: a rejected UPDATE does not move it; an accepted one does', () => {
    const { bob } = confirmedPair();
    const u1 = inDialogRequestFrom(bob, 'UPDATE', 314160, { contact: 'sip:alice@x' });
    bob.receiveRequest(u1);
    bob.responseSent(u1, 488);
    expect(bob.remoteTarget).toBe(ALICE_CONTACT);
    const u2 = inDialogRequestFrom(bob, 'UPDATE', 314161, { contact: 'sip:alice@y' });
    bob.receiveRequest(u2);
    bob.responseSent(u2, 200);
    expect(bob.remoteTarget).toBe('sip:alice@y');
  });

  it('UAC: the Contact of the 2xx to our re-INVITE or UPDATE becomes the remote target; the ACK goes there', () => {
    const { alice } = confirmedPair();
    const reinvite = alice.createRequest('INVITE');
    alice.responseReceived(reinvite, answer(reinvite, 200, { contact: 'sip:bob@198.51.100.1' }));
    expect(alice.remoteTarget).toBe('sip:bob@198.51.100.1');
    expect(alice.createAck(reinvite.cseq.seq).requestUri).toBe('sip:bob@198.51.100.1');
    const update = alice.createRequest('UPDATE');
    alice.responseReceived(update, answer(update, 200, { contact: 'sip:bob@198.51.100.2' }));
    expect(alice.remoteTarget).toBe('sip:bob@198.51.100.2');
    const info = alice.createRequest('INFO');
    alice.responseReceived(info, answer(info, 200, { contact: 'sip:bob@198.51.100.3' }));
    expect(alice.remoteTarget).toBe('sip:bob@198.51.100.2');
  });
});

describe('dialog termination', () => {
  it('ends on BYE received and answered 2xx; later requests get 481', () => {
    const { bob, rec } = confirmedPair();
    const bye = inDialogRequestFrom(bob, 'BYE', 314160);
    expect(bob.receiveRequest(bye)).toEqual({ accept: true });
    bob.responseSent(bye, 200);
    expect(bob.state).toBe('terminated');
    expect(rec.states.at(-1)).toMatchObject({ state: 'terminated', reason: 'bye-received' });
    expect(bob.receiveRequest(inDialogRequestFrom(bob, 'INFO', 314161))).toMatchObject({ status: 481 });
    expect(() => bob.createRequest('INFO')).toThrow(DialogStateError);
  });

  it('ends on the final response to our BYE, on 481 and 408 to in-dialog requests, and on a transaction timeout', () => {
    const reasons: (string | undefined)[] = [];
    for (const outcome of ['bye', 481, 408, 'timeout'] as const) {
      const { alice, rec } = confirmedPair();
      const req = alice.createRequest(outcome === 'bye' ? 'BYE' : 'INFO');
      if (outcome === 'timeout') alice.requestFailed(req);
      else alice.responseReceived(req, answer(req, outcome === 'bye' ? 200 : outcome));
      expect(alice.state).toBe('terminated');
      reasons.push(rec.states.at(-1)?.reason);
    }
    expect(reasons).toEqual(['bye-sent', 'status-481', 'status-408', 'timeout']);
  });

  it('keeps the dialog on other failures (e.g. 486 to a re-INVITE) and on provisional responses', () => {
    const { alice } = confirmedPair();
    const r = alice.createRequest('INVITE');
    alice.responseReceived(r, answer(r, 180));
    alice.responseReceived(r, answer(r, 486));
    expect(alice.state).toBe('confirmed');
    expect(alice.canReinvite).toBe(true);
  });

  it('answers an out-of-order CSeq with 500 (§12.2.2)', () => {
    const { bob } = confirmedPair();
    expect(bob.receiveRequest(inDialogRequestFrom(bob, 'INFO', 314170))).toEqual({ accept: true });
    expect(bob.receiveRequest(inDialogRequestFrom(bob, 'INFO', 314169))).toEqual({
      accept: false,
      status: 500,
      reason: 'CSeq out of order',
    });
  });
});

describe('dialog creation errors and lookup', () => {
  it('refuses messages that cannot make a dialog with a typed error', () => {
    const clock = new FakeClock();
    const invite = aliceInvite();
    const opts = { clock, localContact: ALICE_CONTACT };
    expect(() =>
      Dialog.asUac(invite, responseTo(invite, 200, undefined, { contact: 'sip:b@h' }), opts),
    ).toThrow(DialogMessageError);
    expect(() => Dialog.asUac(invite, responseTo(invite, 200, 't'), opts)).toThrow(
      '2xx to INVITE has no Contact',
    );
    expect(() => Dialog.asUac(invite, responseTo(invite, 100, 't'), opts)).toThrow(
      'does not create a dialog',
    );
    const { contact: _contact, ...noContact } = bobReceivesInvite();
    expect(() => Dialog.asUas(noContact, 'x', opts)).toThrow('request has no Contact');
  });

  it('finds dialogs by the tags of incoming requests and responses and forgets terminated ones', () => {
    const { alice, bob } = confirmedPair();
    const table = new DialogTable();
    table.add(alice);
    table.add(bob);
    expect(table.matchRequest(inDialogRequestFrom(bob, 'BYE', 1))).toBe(bob);
    expect(table.matchRequest(inDialogRequestFrom(alice, 'BYE', 1))).toBe(alice);
    const r = alice.createRequest('INFO');
    expect(table.matchResponse(answer(r, 200))).toBe(alice);
    expect(table.matchRequest({ ...inDialogRequestFrom(bob, 'BYE', 1), callId: 'other' })).toBeUndefined();
    bob.terminate('local');
    expect(table.matchRequest(inDialogRequestFrom(bob, 'BYE', 1))).toBeUndefined();
    expect(table.size).toBe(1);
  });
});
