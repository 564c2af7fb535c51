import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { Dialog, UacInviteDialogs, glareRetryDelayMs } from '../../src/index.js';
import {
  ALICE_CONTACT,
  aliceInvite,
  answer,
  bobReceivesInvite,
  inDialogRequestFrom,
  recorder,
  responseTo,
} from './fixtures.js';

const SDP = { contentType: 'application/sdp', content: 'v=0\r\n' };

/** Alice (UAC of the call, owner of the Call-ID) and Bob (UAS), both confirmed, each with a given random. */
function call(random: number) {
  const clock = new FakeClock();
  const rec = recorder(clock);
  const invite = aliceInvite();
  const uac = new UacInviteDialogs(invite, {
    clock,
    localContact: ALICE_CONTACT,
    hooks: rec.hooks,
    random: () => random,
  });
  const ok = uac.receiveResponse(responseTo(invite, 200, 'bobtag', { contact: 'sip:bob@192.0.2.4' }));
  if (ok.kind !== 'success') throw new Error('expected success');
  const bobInvite = bobReceivesInvite();
  const bob = Dialog.asUas(bobInvite, 'bobtag', {
    clock,
    localContact: 'sip:bob@192.0.2.4',
    hooks: rec.hooks,
    random: () => random,
  });
  bob.responseSent(bobInvite, 200, () => undefined);
  bob.receiveRequest(inDialogRequestFrom(bob, 'ACK', 314159));
  return { clock, rec, alice: ok.dialog, bob };
}

describe('re-INVITE glare (RFC 3261 §14)', () => {
  it('answers 491 on both sides when both send a re-INVITE, and retries after the §14.1 timers', () => {
    const { clock, rec, alice, bob } = call(0);
    const fromAlice = alice.createRequest('INVITE', { body: SDP });
    const fromBob = bob.createRequest('INVITE', { body: SDP });
    expect(alice.canReinvite).toBe(false);

    // Each side receives the other's re-INVITE while its own is pending.
    const atBob = inDialogRequestFrom(bob, 'INVITE', fromAlice.cseq.seq, { hasBody: true });
    const atAlice = inDialogRequestFrom(alice, 'INVITE', fromBob.cseq.seq, { hasBody: true });
    expect(bob.receiveRequest(atBob)).toEqual({ accept: false, status: 491, reason: 'Request Pending' });
    expect(alice.receiveRequest(atAlice)).toEqual({ accept: false, status: 491, reason: 'Request Pending' });
    bob.responseSent(atBob, 491);
    alice.responseSent(atAlice, 491);

    alice.responseReceived(fromAlice, answer(fromAlice, 491));
    bob.responseReceived(fromBob, answer(fromBob, 491));
    expect(alice.canReinvite).toBe(true);
    expect(bob.canReinvite).toBe(true);

    // random = 0: Bob (not the Call-ID owner) retries at once, Alice (owner) after 2.1 s.
    clock.advance(0);
    expect(rec.glare).toEqual([{ at: 0, method: 'INVITE' }]);
    clock.advance(2099);
    expect(rec.glare).toHaveLength(1);
    clock.advance(1);
    expect(rec.glare).toEqual([
      { at: 0, method: 'INVITE' },
      { at: 2100, method: 'INVITE' },
    ]);
    const retry = alice.createRequest('INVITE', { body: SDP });
    expect(retry.cseq.seq).toBe(fromAlice.cseq.seq + 1);
    expect(alice.state).toBe('confirmed');
    expect(bob.state).toBe('confirmed');
  });

  it('uses the upper bounds 4 s (owner) and 2 s (other side) in 10 ms units', () => {
    expect(glareRetryDelayMs(true, () => 0)).toBe(2100);
    expect(glareRetryDelayMs(true, () => 0.999999)).toBe(4000);
    expect(glareRetryDelayMs(false, () => 0)).toBe(0);
    expect(glareRetryDelayMs(false, () => 0.999999)).toBe(2000);
    expect(glareRetryDelayMs(false, () => 0.5) % 10).toBe(0);
    const { clock, rec, alice, bob } = call(0.999999);
    for (const d of [alice, bob]) {
      const r = d.createRequest('INVITE');
      d.responseReceived(r, answer(r, 491));
    }
    clock.advance(4000);
    expect(rec.glare.map((g) => g.at)).toEqual([2000, 4000]);
  });

  it('answers a second INVITE before the first was answered with 500 and Retry-After (§14.2)', () => {
    const { bob } = call(0.5);
    expect(bob.receiveRequest(inDialogRequestFrom(bob, 'INVITE', 314160))).toEqual({ accept: true });
    expect(bob.canReinvite).toBe(false);
    expect(bob.receiveRequest(inDialogRequestFrom(bob, 'INVITE', 314161))).toEqual({
      accept: false,
      status: 500,
      reason: 'Previous INVITE pending',
      retryAfterSeconds: 5,
    });
    expect(() => bob.createRequest('INVITE')).toThrow('an INVITE transaction is in progress');
  });

  it('answers 491 to an UPDATE offer while our re-INVITE offer is pending (RFC 3311 §5.2)', () => {
    const { alice } = call(0);
    alice.createRequest('INVITE', { body: SDP });
    expect(alice.receiveRequest(inDialogRequestFrom(alice, 'UPDATE', 5, { hasBody: true }))).toMatchObject({
      status: 491,
    });
    // An UPDATE without an offer (e.g. a session timer refresh) is fine.
    expect(alice.receiveRequest(inDialogRequestFrom(alice, 'UPDATE', 6))).toEqual({ accept: true });
  });

  it('cancels a pending glare retry when the dialog ends', () => {
    const { clock, rec, alice } = call(0);
    const r = alice.createRequest('INVITE');
    alice.responseReceived(r, answer(r, 491));
    alice.terminate('local');
    clock.advance(10_000);
    expect(rec.glare).toEqual([]);
  });
});
