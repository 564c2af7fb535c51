import type { Logger } from '@switchboard/config';
import type { Dialog } from '@switchboard/dialog';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { BridgeSide } from '../calls/bridge/call-bridge.js';
import type { CallIdentity } from '../calls/call-routing.js';
import type { CallSipPort } from '../calls/call-sip-port.js';
import type { SessionBody } from '../calls/legs/caller-leg.js';
import type { InDialogRoute } from '../calls/legs/in-dialog-route.js';
import type { Disposition, HangupSide } from '../calls/records/call-record-builder.js';

/** How a call the B2BUA answered itself ended, for the call record. */
export interface LocalCallEnd {
  readonly disposition: Disposition;
  readonly side: HangupSide;
  readonly cause: string;
  /** The final status when the INVITE was rejected. */
  readonly status?: number;
}

/** A plan end a local application serves (voicemail, conference room, menu). */
export type LocalPlanEnd =
  | { readonly kind: 'voicemail'; readonly mailbox: string }
  | { readonly kind: 'conference'; readonly room: string }
  | { readonly kind: 'menu'; readonly menu: string };

/** How a hand-over of the answered caller (HandOverRequest) went. */
export interface HandOverListener {
  /** A target answered and the caller now talks to it: the call is bridged, the local call is over. */
  connected(targetKey: string): void;
  /** The destination's plan ended in a local application (voicemail after no answer). */
  local(end: LocalPlanEnd): void;
  /** Nobody took the call (status of the plan's end); the caller is still with the local call. */
  failed(status: number, reason: string): void;
}

/** A routing of the caller the local application answered to another destination. */
export interface HandOverRequest {
  /** The number the routing plugins see (extension, ring group, outside number). */
  readonly destination: string;
  /** The answered caller's dialog, re-INVITEd towards the target that answers. */
  readonly side: BridgeSide;
  /** Who hands over, for the record's chain (`menu 800`). */
  readonly by: string;
  /**
   * Dial `destination` out through this trunk (by name) instead of asking the plugins, whose
   * outbound routes could pick another trunk: an auto attendant's `trunk` destination.
   */
  readonly trunk?: string;
}

/** A running hand-over; stopped when the caller hangs up meanwhile. */
export interface HandOver {
  stop(): void;
}

/** How the party confirms our SDP (LocalParty.answer). */
export interface LocalAnswerOutcome {
  /** Our SDP is in use; `answer` is the party's answer when ours was an offer (late offer). */
  confirmed(answer: SessionBody | undefined): void;
  /** It never was: no ACK for our 2xx, or the party refused our re-INVITE (`status`). */
  failed(status: number, reason: string): void;
}

/**
 * The party a local application answers — one shape for both ways in (calls/local/):
 * - a new call's caller (`callerParty`): its INVITE's offer is answered in our 2xx, whose ACK
 *   confirms it (RFC 3261 §13.3.1.4); a refusal is a final response to the INVITE;
 * - a party already in a call (`MovedParty`: a transfer's transferee, a REFER to a conference URI):
 *   it gets our offer in a re-INVITE (RFC 3261 §14.1, as the park announcement does) and its 2xx
 *   confirms it; a refusal sends nothing, the call it is in goes on.
 */
export interface LocalParty {
  /** The offer our SDP answers; undefined: we offer (an INVITE without SDP, or a moved party). */
  readonly offer: SessionBody | undefined;
  /** Where the party's requests come from (PIN failures are counted per source address). */
  readonly sourceHost: string;
  /** Neither answered nor refused yet. */
  readonly open: boolean;
  readonly route: InDialogRoute;
  /** Our Contact toward the party. */
  readonly contact: string;
  /** Sends our SDP; returns the party's dialog with us. */
  answer(sdp: SessionBody, outcome: LocalAnswerOutcome): Dialog;
  reject(status: number, reason: string, headers?: Array<readonly [string, string]>): void;
  /** Is this ACK the one that confirms our answer (then its body is the late-offer answer)? */
  confirmedBy(ack: SipRequest): boolean;
  /** Our BYE on `dialog` — none for a moved party that never became ours (its call keeps it). */
  hangUp(dialog: Dialog): void;
}

/** What a call session hands to an application that answers a party itself (voicemail, rooms, menus). */
export interface LocalCallContext {
  /** The call session's id (call record id). */
  readonly callId: string;
  readonly party: LocalParty;
  readonly identity: CallIdentity;
  readonly port: CallSipPort;
  readonly allow: string;
  readonly logger: Logger;
  /** Our answer went out: the call record's answer time and who answered. */
  answered(answeredBy: string): void;
  /** Called once: the session publishes the record and forgets the call. */
  ended(end: LocalCallEnd): void;
  /**
   * The answered caller goes on to `request.destination`, routed through the plugins as a new call
   * (a blind transfer of our own UAS dialog, RFC 3725 flow I): see HandOverListener.
   */
  handOver(request: HandOverRequest, listener: HandOverListener): HandOver;
  /** A step of the caller's way through local applications, for the record (`menu 800` → `voicemail 201`). */
  passedOn(by: string, target: string, status: number): void;
}

/** A call answered by the B2BUA itself; the session forwards the party's in-dialog traffic to it. */
export interface LocalCall {
  /** An ACK in the party's dialog (for our 2xx to its INVITE or to one of its re-INVITEs). */
  ack(ack: SipRequest): void;
  /** A request inside the caller's dialog (BYE, re-INVITE, INFO …). */
  request(request: SipRequest, tx: ServerTransaction<SipMessage>): void;
  /** The caller's CANCEL before we answered: stop everything (the session answers 487). */
  cancel(): void;
  /** Shutdown: hang up (BYE) or refuse (503) and stop. */
  terminate(): void;
}

/** Voicemail as seen by call control (provided by VoicemailModule under VOICEMAIL_APPS). */
export interface VoicemailApps {
  /** Is this dialled number a mailbox-access feature code (*97, *98) the B2BUA serves itself? */
  isAccessCode(destination: string): boolean;
  /** Mailbox access for an authenticated extension. */
  access(context: LocalCallContext): LocalCall;
  /** The plan ended in voicemail(mailbox): take a message. */
  deposit(context: LocalCallContext, mailbox: string): LocalCall;
}

export const VOICEMAIL_APPS = Symbol('VoicemailApps');
