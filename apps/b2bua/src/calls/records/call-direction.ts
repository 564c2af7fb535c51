import type { CallIdentity } from '../call-routing.js';

/** Which way a call crossed the PBX's edge, for its record (call_records direction/trunk/number/DID). */
export interface CallDirectionFacts {
  readonly direction: 'internal' | 'inbound' | 'outbound';
  readonly trunk?: string;
  /** The outside party: the caller of an inbound call, the number sent to the provider on an outbound one. */
  readonly externalNumber?: string;
  /** The public number dialled, for an inbound call. */
  readonly did?: string;
}

/** A call that came in from a trunk (set by inbound call handling). */
export interface InboundTrunkCall {
  readonly trunk: string;
  readonly callerNumber?: string;
  readonly did?: string;
}

/** The trunk leg that carried an outbound call (the answered one, else the last tried). */
export interface OutboundTrunkLeg {
  readonly trunk: string;
  readonly number: string;
}

/**
 * The one place a record's direction is decided: a call from a trunk is inbound (also when a plan
 * sends it out again, e.g. follow-me to a mobile), a call that placed a trunk leg is outbound,
 * anything else internal.
 */
export function callDirection(
  inbound: InboundTrunkCall | undefined,
  outbound: OutboundTrunkLeg | undefined,
): CallDirectionFacts {
  if (inbound) {
    return {
      direction: 'inbound',
      trunk: inbound.trunk,
      ...(inbound.callerNumber ? { externalNumber: inbound.callerNumber } : {}),
      ...(inbound.did ? { did: inbound.did } : {}),
    };
  }
  if (outbound) return { direction: 'outbound', trunk: outbound.trunk, externalNumber: outbound.number };
  return { direction: 'internal' };
}

/** The trunk an inbound call came in on, for its record (callDirection). */
export function inboundOf(identity: CallIdentity): InboundTrunkCall | undefined {
  if (identity.callerTrunk === undefined) return undefined;
  return {
    trunk: identity.callerTrunk,
    ...(identity.externalNumber ? { callerNumber: identity.externalNumber } : {}),
    did: identity.destination,
  };
}
