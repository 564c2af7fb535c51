import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { Dialog } from '../../src/index.js';
import { bobReceivesInvite, inDialogRequestFrom, recorder } from './fixtures.js';

const BOB_CONTACT = 'sip:bob@192.0.2.4';

function setup(options: { reliable?: boolean } = {}) {
  const clock = new FakeClock();
  const rec = recorder(clock);
  const invite = bobReceivesInvite();
  const dialog = Dialog.asUas(invite, 'a6c85cf', {
    clock,
    localContact: BOB_CONTACT,
    hooks: rec.hooks,
    initialLocalSeq: 100,
    ...(options.reliable !== undefined ? { reliable: options.reliable } : {}),
  });
  const sentAt: number[] = [];
  dialog.responseSent(invite, 200, () => sentAt.push(clock.now()));
  return { clock, rec, invite, dialog, sentAt };
}

describe('UAS 2xx retransmission until ACK (RFC 3261 §13.3.1.4)', () => {
  it('confirms the dialog and resends the 2xx at T1, 2T1, 4T1 ... capped at T2', () => {
    const { clock, dialog, sentAt, rec } = setup();
    expect(dialog.state).toBe('confirmed');
    expect(rec.states).toEqual([{ state: 'confirmed', localTag: 'a6c85cf', remoteTag: '1928301774' }]);
    clock.advance(20_000);
    // Intervals 500, 1000, 2000, 4000, 4000, 4000, ...
    expect(sentAt).toEqual([500, 1500, 3500, 7500, 11500, 15500, 19500]);
  });

  it('stops when the ACK arrives', () => {
    const { clock, dialog, sentAt, rec } = setup();
    clock.advance(2000);
    expect(dialog.receiveRequest(inDialogRequestFrom(dialog, 'ACK', 314159))).toEqual({ accept: true });
    clock.advance(60_000);
    expect(sentAt).toEqual([500, 1500]);
    expect(rec.ackTimeouts).toEqual([]);
    expect(clock.pending()).toBe(0);
    expect(dialog.state).toBe('confirmed');
  });

  it('gives up after 64*T1 without ACK and hands over a BYE that ends the session', () => {
    const { clock, dialog, sentAt, rec } = setup();
    clock.advance(64 * 500 - 1);
    expect(rec.ackTimeouts).toEqual([]);
    clock.advance(1);
    expect(sentAt.at(-1)).toBe(31500);
    expect(rec.ackTimeouts).toHaveLength(1);
    expect(rec.ackTimeouts[0]?.at).toBe(32_000);
    expect(rec.ackTimeouts[0]?.bye).toMatchObject({
      method: 'BYE',
      requestUri: 'sip:alice@pc33.atlanta.com',
      route: ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'],
      from: { uri: 'sip:bob@biloxi.com', tag: 'a6c85cf' },
      to: { uri: 'sip:alice@atlanta.com', tag: '1928301774' },
      cseq: { seq: 101, method: 'BYE' },
    });
    const sentBeforeGivingUp = sentAt.length;
    clock.advance(60_000);
    expect(sentAt).toHaveLength(sentBeforeGivingUp);
    expect(dialog.state).toBe('confirmed');
  });

  it('on a reliable first hop only waits for the ACK', () => {
    const { clock, sentAt, rec } = setup({ reliable: true });
    clock.advance(64 * 500);
    expect(sentAt).toEqual([]);
    expect(rec.ackTimeouts).toHaveLength(1);
  });

  it('retransmits a 2xx to a re-INVITE as well, and a late ACK for the old INVITE does not stop it', () => {
    const { clock, dialog } = setup();
    dialog.receiveRequest(inDialogRequestFrom(dialog, 'ACK', 314159));
    const reinvite = inDialogRequestFrom(dialog, 'INVITE', 314160, { hasBody: true });
    expect(dialog.receiveRequest(reinvite)).toEqual({ accept: true });
    const resent: number[] = [];
    dialog.responseSent(reinvite, 200, () => resent.push(clock.now()));
    clock.advance(600);
    dialog.receiveRequest(inDialogRequestFrom(dialog, 'ACK', 314159));
    clock.advance(1000);
    expect(resent).toEqual([500, 1500]);
    dialog.receiveRequest(inDialogRequestFrom(dialog, 'ACK', 314160));
    clock.advance(10_000);
    expect(resent).toEqual([500, 1500]);
  });

  it('a rejected initial INVITE ends the early dialog without retransmissions', () => {
    const clock = new FakeClock();
    const rec = recorder(clock);
    const invite = bobReceivesInvite();
    const dialog = Dialog.asUas(invite, 'x1', { clock, localContact: BOB_CONTACT, hooks: rec.hooks });
    dialog.responseSent(invite, 180);
    expect(dialog.state).toBe('early');
    dialog.responseSent(invite, 486);
    expect(dialog.state).toBe('terminated');
    expect(rec.states).toEqual([
      { state: 'terminated', reason: 'rejected', localTag: 'x1', remoteTag: '1928301774' },
    ]);
    expect(clock.pending()).toBe(0);
  });
});
