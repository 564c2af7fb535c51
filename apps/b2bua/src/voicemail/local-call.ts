import type { Logger } from '@switchboard/config';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { CallIdentity } from '../calls/call-routing.js';
import type { CallSipPort } from '../calls/call-sip-port.js';
import type { CallerLeg } from '../calls/legs/caller-leg.js';
import type { Disposition, HangupSide } from '../calls/records/call-record-builder.js';

/** How a call the B2BUA answered itself ended, for the call record. */
export interface LocalCallEnd {
  readonly disposition: Disposition;
  readonly side: HangupSide;
  readonly cause: string;
  /** The final status when the INVITE was rejected. */
  readonly status?: number;
}

/** What a call session hands to an application that answers the caller itself (voicemail). */
export interface LocalCallContext {
  /** The call session's id (call record id). */
  readonly callId: string;
  readonly caller: CallerLeg;
  readonly identity: CallIdentity;
  readonly port: CallSipPort;
  readonly allow: string;
  readonly logger: Logger;
  /** The 2xx went out: the call record's answer time and who answered. */
  answered(answeredBy: string): void;
  /** Called once: the session publishes the record and forgets the call. */
  ended(end: LocalCallEnd): void;
}

/** A call answered by the B2BUA itself; the session forwards the caller's in-dialog traffic to it. */
export interface LocalCall {
  /** The caller's ACK for our 2xx (late offer: it carries the SDP answer). */
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
