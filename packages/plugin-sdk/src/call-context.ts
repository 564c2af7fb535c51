import type { FailureOutcome } from './routing-plan.js';

/** What a plugin knows about a call. Plugins never see SIP messages or sockets. */
export interface CallContext {
  /** Stable id of the call inside Switchboard (not the SIP Call-ID of a leg). */
  readonly callId: string;
  readonly caller: {
    readonly uri: string;
    readonly displayName?: string;
    /** Set when the caller authenticated as one of our extensions. */
    readonly extension?: string;
    /**
     * Set when the call came in from one of the PBX's SIP trunks (matched by its source address or
     * its registration); `destination` is then the dialled number (DID) as the trunk delivers it.
     */
    readonly trunk?: string;
    /**
     * Set when this call is a transfer (REFER, park ring-back) or a three-way call's dial-out: the
     * party that made it. Outside calls go out on its authority, never the caller's (dialling class,
     * outside-call limit, caller ID; Asterisk applies the transferor's context the same way); an
     * outsider (no `extension`) authorises none. `destination` is then what it chose, not a DID.
     */
    readonly transferredBy?: { readonly uri: string; readonly extension?: string };
  };
  /** The dialled destination: the Request-URI's user part (e.g. "201", "600", "+4930123"). */
  readonly destination: string;
  readonly requestUri: string;
  /** ISO 8601 time the INVITE arrived. */
  readonly receivedAt: string;
  /** Earlier plans for this call, when a plan asked to route again. */
  readonly history: readonly CallAttempt[];
}

export interface CallAttempt {
  readonly pluginId: string;
  readonly destination: string;
  /** How the attempt ended: the last failure of its last dial step. */
  readonly outcome: FailureOutcome;
  /** Targets that rang, in order. */
  readonly tried: readonly string[];
}
