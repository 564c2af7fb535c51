import { describe, expect, it } from 'vitest';
import type { BridgeSide, Side } from '../src/calls/bridge/call-bridge.js';
import { withCallOptionTagPairs, withCallOptionTags } from '../src/calls/legs/call-option-tags.js';
import type { NamedDialog, ReplaceableCall } from '../src/calls/replaces/call-dialogs.js';
import { EndedDialogs } from '../src/calls/replaces/ended-dialogs.js';
import {
  inviteReplaces,
  type ReplacesLookup,
  type ReplacingInvite,
} from '../src/calls/replaces/invite-replaces.js';

/** A call of 201 (caller) with 202 (callee); `bridged` says whether its sides exist. */
function call(handed: Side[] = [], bridged = true): ReplaceableCall {
  const sideOf = (s: Side) => ({ contact: `sip:${s}@pbx.test` }) as unknown as BridgeSide;
  return {
    id: 'call-1',
    dialled: { requestUri: 'sip:202@pbx.test', destination: '202' },
    party: (s) => (s === 'caller' ? '201' : '202'),
    side: (s) => (bridged ? sideOf(s) : undefined),
    media: () => undefined,
    handOver: (kept) => {
      handed.push(kept);
      return true;
    },
    abandonEarly: () => undefined,
    pickUp: () => undefined,
  };
}

function lookup(named: Omit<NamedDialog, 'call'> | undefined, ended = false, c = call()): ReplacesLookup {
  return { named: () => (named ? { call: c, ...named } : undefined), ended: () => ended };
}

const invite = (more: Partial<ReplacingInvite> = {}): ReplacingInvite => ({
  replaces: ['abc@h;to-tag=pbx;from-tag=phone'],
  fromTrunk: false,
  caller: '201',
  hasOffer: true,
  ...more,
});
const confirmedCaller = lookup({ side: 'caller', state: 'confirmed' });

describe('INVITE with Replaces: the RFC 3891 §3 decision', () => {
  it('no Replaces: routed as any call', () => {
    expect(inviteReplaces(invite({ replaces: [] }), confirmedCaller)).toEqual({ kind: 'none' });
  });

  it('two Replaces or an unparsable one → 400; from a trunk → 403 (before any lookup)', () => {
    const two = invite({ replaces: ['a;to-tag=1;from-tag=2', 'b;to-tag=1;from-tag=2'] });
    expect(inviteReplaces(two, confirmedCaller)).toMatchObject({ kind: 'reject', status: 400 });
    expect(inviteReplaces(invite({ replaces: ['a;to-tag=1'] }), confirmedCaller)).toMatchObject({
      kind: 'reject',
      status: 400,
      reason: 'Invalid Replaces',
    });
    expect(inviteReplaces(invite({ fromTrunk: true }), confirmedCaller)).toMatchObject({ status: 403 });
  });

  it('no matching dialog → 481; one of a call that just ended → 603 Declined', () => {
    expect(inviteReplaces(invite(), lookup(undefined))).toMatchObject({
      status: 481,
      reason: 'Call/Transaction Does Not Exist',
    });
    expect(inviteReplaces(invite(), lookup(undefined, true))).toMatchObject({
      status: 603,
      reason: 'Declined',
    });
  });

  it("the caller's own early dialog (not initiated by the PBX) → 481, early-only or not", () => {
    const early = lookup({ side: 'caller', state: 'early-incoming' });
    expect(inviteReplaces(invite(), early)).toMatchObject({ status: 481 });
    const earlyOnly = invite({ replaces: ['abc@h;to-tag=pbx;from-tag=phone;early-only'] });
    expect(inviteReplaces(earlyOnly, early)).toMatchObject({ status: 481 });
  });

  it('a confirmed dialog with early-only → 486 Busy Here, the call left alone', () => {
    const handed: Side[] = [];
    const l = lookup({ side: 'caller', state: 'confirmed' }, false, call(handed));
    const r = inviteReplaces(invite({ replaces: ['abc@h;to-tag=pbx;from-tag=phone;early-only'] }), l);
    expect(r).toMatchObject({ kind: 'reject', status: 486, reason: 'Busy Here' });
    expect(handed).toEqual([]);
  });

  it("a confirmed dialog of another extension → 403; the holder's own → its far party is taken over", () => {
    expect(inviteReplaces(invite({ caller: '203' }), confirmedCaller)).toMatchObject({ status: 403 });
    const handed: Side[] = [];
    const r = inviteReplaces(invite(), lookup({ side: 'caller', state: 'confirmed' }, false, call(handed)));
    if (r.kind !== 'replace') throw new Error(`expected replace, got ${r.kind}`);
    expect(r.party.label).toBe('202');
    expect(r.party.replaced).toBe('201');
    expect(r.party.side.contact).toBe('sip:callee@pbx.test');
    r.party.returned();
    expect(handed).toEqual([]);
    r.party.retrieved('201');
    expect(handed).toEqual(['callee']);
  });

  it('the callee side named: 202 replacing its own leg keeps the caller (201)', () => {
    const r = inviteReplaces(invite({ caller: '202' }), lookup({ side: 'callee', state: 'confirmed' }));
    expect(r.kind === 'replace' && r.party.label).toBe('201');
  });

  it('a confirmed dialog without an SDP offer in the new INVITE → 488; a call no longer bridged → 481', () => {
    expect(inviteReplaces(invite({ hasOffer: false }), confirmedCaller)).toMatchObject({ status: 488 });
    const unbridged = lookup({ side: 'caller', state: 'confirmed' }, false, call([], false));
    expect(inviteReplaces(invite(), unbridged)).toMatchObject({ status: 481 });
  });

  it('a leg the PBX rings (an early dialog it initiated) → picked up, early-only allowed; no extension rung → 403', () => {
    const ringing = lookup({ side: 'callee', state: 'early-outgoing', rung: '202' });
    const earlyOnly = invite({ caller: '203', replaces: ['abc@h;to-tag=1;from-tag=2;early-only'] });
    expect(inviteReplaces(earlyOnly, ringing)).toMatchObject({ kind: 'pick-up', rung: '202' });
    const toTrunk = lookup({ side: 'callee', state: 'early-outgoing' });
    expect(inviteReplaces(invite(), toTrunk)).toMatchObject({ status: 403 });
  });
});

describe('EndedDialogs (603 for a dialog that just ended)', () => {
  it('matches a leg by Call-ID and the caller dialog by Call-ID and either tag, for 32 s only', () => {
    let now = 0;
    const ended = new EndedDialogs(() => now);
    ended.remember({ caller: 'c1;phone-tag', legs: ['leg-1'] });
    expect(ended.ended('c1', ['pbx-tag', 'phone-tag'])).toBe(true);
    expect(ended.ended('c1', ['pbx-tag', 'other'])).toBe(false);
    expect(ended.ended('leg-1', ['x', 'y'])).toBe(true);
    now = 31_999;
    expect(ended.ended('leg-1', [])).toBe(true);
    now = 32_000;
    expect(ended.ended('leg-1', [])).toBe(false);
    expect(ended.size).toBe(0);
  });

  it('is bounded: the oldest keys go first', () => {
    const ended = new EndedDialogs(() => 0, 32_000, 3);
    for (let i = 0; i < 5; i++) ended.remember({ caller: `c${i};t`, legs: [] });
    expect(ended.size).toBe(3);
    expect(ended.ended('c0', ['t'])).toBe(false);
    expect(ended.ended('c4', ['t'])).toBe(true);
  });
});

describe('Supported: replaces (RFC 3891 §6.1) in INVITEs and 2xx answers', () => {
  it('appended after the tags already listed (timer), in one Supported header at its place', () => {
    expect(withCallOptionTagPairs([['Allow', 'INVITE']])).toEqual([
      ['Allow', 'INVITE'],
      ['Supported', 'replaces'],
    ]);
    expect(
      withCallOptionTags([
        { name: 'Allow', value: 'INVITE' },
        { name: 'Supported', value: 'timer' },
        { name: 'Session-Expires', value: '1800' },
      ]),
    ).toEqual([
      { name: 'Allow', value: 'INVITE' },
      { name: 'Supported', value: 'timer, replaces' },
      { name: 'Session-Expires', value: '1800' },
    ]);
    expect(withCallOptionTagPairs([['supported', 'Replaces, timer']])).toEqual([
      ['Supported', 'Replaces, timer'],
    ]);
  });
});
