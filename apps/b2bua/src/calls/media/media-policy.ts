import type { MediaMode } from './call-media.js';

/** SDES-SRTP (RFC 4568) policy of a call leg. */
export type SrtpPolicy = 'required' | 'optional' | 'off';

/**
 * The media settings of one side of a call: an extension's row today. A trunk (#18) is the next
 * source: its expander attaches the trunk's policy to its branches (BranchSpec.mediaPolicy) and an
 * inbound trunk call resolves the caller's through CallDeps.callerMediaPolicy, so call control
 * needs no change for it.
 */
export interface LegMediaPolicy {
  /** `inherit`: SWITCHBOARD_MEDIA_MODE. */
  readonly mode: MediaMode | 'inherit';
  readonly srtp: SrtpPolicy;
}

/** A side with no settings of its own (a URI target, an unauthenticated caller). */
export const DEFAULT_LEG_POLICY: LegMediaPolicy = { mode: 'inherit', srtp: 'optional' };

/** Where the two sides of one branch stand, as its relay decision needs them. */
export interface BranchSides {
  readonly global: MediaMode;
  readonly caller: LegMediaPolicy;
  readonly callee: LegMediaPolicy;
  readonly callerBehindNat: boolean;
  readonly calleeBehindNat: boolean;
  /** The caller's offer asks for SRTP (RTP/SAVP or a=crypto). */
  readonly callerOffersSrtp: boolean;
  /** The call is recorded if this branch answers (recording is rtpengine's): `auto` relays it. */
  readonly recorded?: boolean;
}

/**
 * Whether a branch's media go through rtpengine, and why (logged). Each side's mode is its own
 * setting or the global one; when they differ the stronger wins: relay over auto over direct
 * (anchoring for one side anchors the call; there is no half-relayed RTP stream).
 *
 * SRTP needs the relay whatever the modes say: the B2BUA cannot translate between SRTP and RTP, or
 * add keys to a plain offer, without a media endpoint in the path. So `required` on either side,
 * or a SRTP offer towards a callee whose policy is `off`, forces relay.
 */
export function branchRelayDecision(s: BranchSides): { relay: boolean; why: string } {
  if (s.caller.srtp === 'required' || s.callee.srtp === 'required')
    return { relay: true, why: 'SRTP required' };
  if (s.callerOffersSrtp && s.callee.srtp === 'off') return { relay: true, why: 'SRTP to plain RTP' };
  const modes = [resolved(s.caller, s.global), resolved(s.callee, s.global)];
  if (modes.includes('relay')) return { relay: true, why: 'media mode relay' };
  if (modes.includes('auto') && (s.callerBehindNat || s.calleeBehindNat))
    return { relay: true, why: 'media mode auto, party behind NAT' };
  if (modes.includes('auto') && s.recorded === true) return { relay: true, why: 'media mode auto, recorded' };
  return { relay: false, why: modes.includes('auto') ? 'media mode auto, no NAT' : 'media mode direct' };
}

function resolved(policy: LegMediaPolicy, global: MediaMode): MediaMode {
  return policy.mode === 'inherit' ? global : policy.mode;
}
