import {
  type Dialog,
  UacInviteDialogs,
  incomingResponseFromSip,
  sessionRefreshHeaders,
  settingsAfter422,
  sipRequestFromOutgoing,
  type HeaderField,
  type OutgoingRequest,
  type SessionTimerSettings,
} from '@switchboard/dialog';
import { generateTag, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import type { ClientTransaction, ResolvedTarget } from '@switchboard/transactions';
import { uacNeedsSipsContact } from '../../sip/sips-contact.js';
import { sessionTimerViewOf } from '../bridge/session-timer-messages.js';
import type { CallSipPort } from '../call-sip-port.js';
import type { BranchHandle, BranchListener, CancelCause, TrunkLegSpec } from '../plan/branch-types.js';
import { buildCancel } from './cancel-request.js';
import { withCallOptionTags } from './call-option-tags.js';
import { InDialogRoute, sendBye } from './in-dialog-route.js';
import { TrunkDigest, withCredentials } from './trunk-digest.js';

/** What the outgoing INVITE carries from the caller's side. */
export interface CalleeLegInit {
  readonly requestUri: string;
  readonly destination: ResolvedTarget;
  /** `destination` is the phone's registered flow (NAT address or its connection): see BranchSpec. */
  readonly destinationIsFlow?: boolean;
  /** Preloaded Route values (a registered contact's Path, RFC 3327 §5.3); a trunk's proxy is in `trunk`. */
  readonly route?: readonly string[];
  readonly from: { readonly uri: string; readonly displayName?: string };
  /** RFC 3325 §9.1 P-Asserted-Identity value: who the caller is, as we authenticated them. */
  readonly assertedIdentity?: string;
  readonly to: { readonly uri: string };
  /** The caller's Max-Forwards minus one (RFC 7332 §3 / RFC 3261 §16.6 step 3). */
  readonly maxForwards: number;
  readonly body?: { readonly contentType: string; readonly content: Buffer };
  readonly allow: string;
  /** RFC 4028 §7.1: the INVITE asks for a session timer (absent: session timers off). */
  readonly sessionTimers?: SessionTimerSettings;
  /** Call-ID of this leg; fresh per leg (a B2BUA never reuses the caller's). */
  readonly callId: string;
  /** More headers of the INVITE, e.g. Referred-By on a transferred call (RFC 3892 §3). */
  readonly extraHeaders?: ReadonlyArray<{ readonly name: string; readonly value: string }>;
  /** A leg to a SIP provider: Route, Privacy, digest credentials, further targets (RFC 3263 §4.3). */
  readonly trunk?: TrunkLegSpec;
}

export interface CalleeLegHooks {
  /** A 2xx arrived after we cancelled (or from a second fork branch): it was ACKed and BYE sent. */
  onLateAnswerHungUp?(): void;
  /** The INVITE could not be sent (no transport for the destination): the branch failed 503. */
  onStartFailed?(err: unknown): void;
  /** An ACK could not be sent (transport error); the 2xx retransmission will ask for it again. */
  onAckFailed?(err: unknown): void;
  /** The leg is finished with (final failure, cancelled and settled, or BYE sent): forget its Call-ID. */
  onDone?(leg: CalleeLeg): void;
}

/**
 * One outgoing INVITE of the B2BUA (the UAC side of a bridged call): its own Call-ID, From tag,
 * Contact and Via. States: calling → proceeding (1xx) → answered | failed | cancelled. A CANCEL
 * before any 1xx waits for one (RFC 3261 §9.1); a 2xx after our CANCEL is ACKed and ended with BYE.
 */
export class CalleeLeg implements BranchHandle {
  private state: 'calling' | 'proceeding' | 'answered' | 'failed' | 'cancelled' = 'calling';
  private provisionalSeen = false;
  private pendingCancel: CancelCause | undefined;
  private tx: ClientTransaction<SipMessage> | undefined;
  private outgoing: OutgoingRequest;
  private uac: UacInviteDialogs;
  /** RFC 4028 settings of this leg, raised by a 422 (§7.3); undefined: no session timers. */
  private timerSettings: SessionTimerSettings | undefined;
  private retried422 = false;
  /** Credentials were sent with the current INVITE (a second challenge is the provider's refusal). */
  private authSent = false;
  private readonly digest: TrunkDigest | undefined;
  /** Where the INVITE goes: the first target, then the next one of `alternates` after a failure. */
  private destination: ResolvedTarget;
  private readonly alternates: ResolvedTarget[];
  private sentInvite: SipRequest | undefined;
  /**
   * Late offer (RFC 3261 §13.2.1, RFC 3264 §4): our INVITE had no SDP, so the callee's 2xx carries the
   * offer and our ACK must carry the caller's answer. The ACK waits for the caller's ACK (`ackAnswer`).
   */
  private heldAck: OutgoingRequest | undefined;
  private sentAck: OutgoingRequest | undefined;
  /** Our Contact on this leg. */
  readonly localContact: string;
  /** The confirmed dialog once answered. */
  dialog: Dialog | undefined;
  /** How requests of that dialog reach the callee (route set, remote target, or its NAT flow). */
  route: InDialogRoute | undefined;
  /** Clock time the answering 2xx reached this leg (setup latency figures). */
  answerReceivedAt: number | undefined;

  constructor(
    private readonly port: CallSipPort,
    readonly init: CalleeLegInit,
    private readonly listener: BranchListener<SipResponse>,
    private readonly hooks: CalleeLegHooks = {},
  ) {
    // RFC 3261 §8.1.1.8: sips: only when the Request-URI is (a Path route set is the phone's own edge).
    this.localContact = port.localUri(
      init.destination.protocol,
      undefined,
      uacNeedsSipsContact(init.requestUri),
    );
    const { localContact } = this;
    this.timerSettings = init.sessionTimers;
    this.destination = init.destination;
    this.alternates = [...(init.trunk?.alternates ?? [])];
    this.digest = init.trunk?.credentials ? new TrunkDigest(init.trunk.credentials) : undefined;
    this.outgoing = {
      method: 'INVITE',
      requestUri: init.requestUri,
      route: init.route ? [...init.route] : init.trunk?.route ? [init.trunk.route] : [],
      from: { ...init.from, tag: generateTag() },
      to: { uri: init.to.uri },
      callId: init.callId,
      cseq: { seq: 1, method: 'INVITE' },
      contact: localContact,
      maxForwards: init.maxForwards,
      headers: withCallOptionTags([
        { name: 'Allow', value: init.allow },
        ...(init.assertedIdentity ? [{ name: 'P-Asserted-Identity', value: init.assertedIdentity }] : []),
        ...(init.trunk?.privacy ? [{ name: 'Privacy', value: init.trunk.privacy }] : []),
        ...(init.sessionTimers
          ? sessionRefreshHeaders(init.sessionTimers.expires, init.sessionTimers.minSE)
          : []),
        ...(init.extraHeaders ?? []),
      ]),
      ...(init.body ? { body: { contentType: init.body.contentType, content: init.body.content } } : {}),
    };
    this.uac = new UacInviteDialogs(this.outgoing, { clock: port.clock, localContact });
  }

  /** The session timer settings this leg's INVITE ended up asking with (after a 422). */
  get sessionTimers(): SessionTimerSettings | undefined {
    return this.timerSettings;
  }

  get callId(): string {
    return this.init.callId;
  }

  start(): void {
    const request = sipRequestFromOutgoing(this.outgoing);
    try {
      this.tx = this.port.sendRequest(request, this.destination, {
        onResponse: (res) => {
          if (res.kind === 'response') this.onResponse(res);
        },
        onTimeout: () => this.onNoResponse(),
        onTransportError: () => this.onNoResponse(),
      });
      this.sentInvite = this.tx.request as SipRequest;
    } catch (err) {
      // No transport for this destination: the branch fails like an unreachable one.
      this.hooks.onStartFailed?.(err);
      this.state = 'failed';
      this.listener.failed(503, undefined);
      this.hooks.onDone?.(this);
    }
  }

  cancel(cause: CancelCause): void {
    if (this.state !== 'calling' && this.state !== 'proceeding') return;
    this.state = 'cancelled';
    if (this.provisionalSeen) this.sendCancel(cause);
    else this.pendingCancel = cause;
  }

  /** True while the ACK of a late-offer answer waits for the caller's SDP answer. */
  get awaitingAnswer(): boolean {
    return this.heldAck !== undefined && this.sentAck === undefined;
  }

  /**
   * Sends the ACK held for a late offer, with the caller's answer (the body of the caller's ACK) when
   * there is one; later calls do nothing. Without a held ACK (early offer) it does nothing either.
   */
  ackAnswer(body: { readonly contentType: string; readonly content: Buffer } | undefined): void {
    const held = this.heldAck;
    if (!held || this.sentAck) return;
    this.sentAck = body ? { ...held, body: { contentType: body.contentType, content: body.content } } : held;
    this.transmitAck(this.sentAck, this.dialog);
  }

  /** Ends an answered leg with BYE (teardown); a held late-offer ACK goes first (§13.2.2.4). */
  hangUp(): void {
    const dialog = this.dialog;
    if (!dialog || dialog.state === 'terminated') return;
    this.ackAnswer(undefined);
    this.sendBye(dialog);
  }

  dispose(): void {
    this.ackAnswer(undefined); // a 2xx is always ACKed, even by a call that ends before the caller's ACK
    this.uac.dispose();
  }

  private onResponse(res: SipResponse): void {
    const received = this.port.clock.now();
    const status = res.status;
    let outcome;
    try {
      outcome = this.uac.receiveResponse(incomingResponseFromSip(res));
    } catch {
      return; // a response we cannot read is treated as not received
    }
    if (status < 200) {
      this.provisionalSeen = true;
      if (this.pendingCancel !== undefined) {
        this.sendCancel(this.pendingCancel);
        this.pendingCancel = undefined;
      }
      if (this.state === 'calling') this.state = 'proceeding';
      if (this.state === 'proceeding' && status > 100) this.listener.provisional(status, res);
      return;
    }
    if (outcome.kind === 'success') {
      const wanted = (this.state === 'calling' || this.state === 'proceeding') && outcome.first;
      if (wanted) {
        this.dialog = outcome.dialog;
        this.route = this.routeOf(undefined);
      }
      if (wanted && this.init.body === undefined) {
        // Late offer: the ACK carries the caller's answer, so it waits for the caller's ACK.
        this.heldAck = outcome.ack;
      } else if (outcome.retransmission && outcome.dialog === this.dialog && this.heldAck) {
        // A retransmitted 2xx of the answering dialog: the same ACK again, once it exists.
        if (this.sentAck) this.transmitAck(this.sentAck, this.dialog);
        return;
      } else {
        this.transmitAck(outcome.ack, outcome.dialog);
      }
      if (outcome.retransmission) return;
      if (wanted) {
        this.answerReceivedAt = received;
        this.state = 'answered';
        this.listener.answered(res);
        return;
      }
      // §13.2.2.4 / fork race: a 2xx we no longer want is ACKed, then ended with BYE.
      this.sendBye(outcome.dialog);
      this.hooks.onLateAnswerHungUp?.();
      return;
    }
    if (status === 422 && this.retryWithLargerInterval(res)) return;
    if ((status === 401 || status === 407) && this.retryWithCredentials(res)) return;
    if (status === 503 && !this.provisionalSeen && this.tryAlternate()) return;
    if (this.state === 'calling' || this.state === 'proceeding') {
      this.state = 'failed';
      const contacts = status >= 300 && status < 400 ? contactsOf(res) : undefined;
      this.listener.failed(status, res, contacts);
    }
    this.hooks.onDone?.(this);
  }

  /**
   * RFC 4028 §7.3: a 422 names the callee's Min-SE; the INVITE goes again once (same Call-ID and
   * From tag, next CSeq) with Session-Expires and Min-SE raised to it. False: fail the branch.
   */
  private retryWithLargerInterval(res: SipResponse): boolean {
    const current = this.timerSettings;
    if (!current || this.retried422 || (this.state !== 'calling' && this.state !== 'proceeding'))
      return false;
    const raised = settingsAfter422(current, sessionTimerViewOf(res).minSE);
    if (!raised) return false;
    this.retried422 = true;
    this.timerSettings = raised;
    const timerHeaders = new Set(['supported', 'session-expires', 'min-se']);
    this.resend(
      withCallOptionTags([
        ...this.outgoing.headers.filter((h) => !timerHeaders.has(h.name.toLowerCase())),
        ...sessionRefreshHeaders(raised.expires, raised.minSE),
      ]),
    );
    return true;
  }

  /** RFC 3261 §22.2/§22.3: a trunk leg's INVITE goes again once with the provider's credentials. */
  private retryWithCredentials(res: SipResponse): boolean {
    if (!this.digest || this.authSent || (this.state !== 'calling' && this.state !== 'proceeding'))
      return false;
    const auth = this.digest.answer(res, { method: 'INVITE', uri: this.outgoing.requestUri });
    if (!auth) return false;
    this.authSent = true;
    this.resend(withCredentials(this.outgoing.headers, auth));
    return true;
  }

  /**
   * RFC 3263 §4.3: the provider's next target when this one did not answer (timeout, transport
   * error) or answered 503 before any provisional response. False: none left, the branch fails.
   */
  private tryAlternate(): boolean {
    const next = this.alternates.shift();
    if (!next || (this.state !== 'calling' && this.state !== 'proceeding')) return false;
    this.destination = next;
    this.resend(this.outgoing.headers);
    return true;
  }

  /** The INVITE again as a new transaction (same Call-ID and From tag, next CSeq) with `headers`. */
  private resend(headers: HeaderField[]): void {
    this.outgoing = {
      ...this.outgoing,
      cseq: { seq: this.outgoing.cseq.seq + 1, method: 'INVITE' },
      headers,
    };
    this.uac.dispose();
    this.uac = new UacInviteDialogs(this.outgoing, {
      clock: this.port.clock,
      localContact: this.localContact,
    });
    this.provisionalSeen = false;
    this.state = 'calling';
    this.start();
  }

  private onNoResponse(): void {
    if (this.tryAlternate()) return;
    this.uac.transactionFailed();
    if (this.state === 'calling' || this.state === 'proceeding') {
      this.state = 'failed';
      this.listener.failed(408, undefined);
    }
    this.hooks.onDone?.(this);
  }

  private transmitAck(ack: OutgoingRequest, dialog: Dialog | undefined): void {
    this.routeOf(dialog)
      .sendAck(ack)
      .catch((err: unknown) => this.hooks.onAckFailed?.(err));
  }

  /** The answering dialog's route; another branch's dialog (a 2xx to end) gets its own. */
  private routeOf(dialog: Dialog | undefined): InDialogRoute {
    if (dialog && dialog === this.dialog && this.route) return this.route;
    return new InDialogRoute(this.port, this.destination, this.init.destinationIsFlow === true, this.digest);
  }

  private sendCancel(cause: CancelCause): void {
    const invite = this.sentInvite;
    const tx = this.tx;
    if (!invite || !tx) return;
    try {
      // A challenge to the CANCEL is not answered (see TrunkDigest): the INVITE's answer ends the leg.
      this.port.sendRequest(buildCancel(invite, cause), this.destination, {}, { branch: tx.branch });
    } catch {
      // The transport is gone: Timer B ends the INVITE transaction anyway.
    }
  }

  private sendBye(dialog: Dialog): void {
    sendBye(this.routeOf(dialog), dialog);
  }
}

function contactsOf(res: SipResponse): string[] {
  try {
    const contacts = res.contacts;
    return contacts === '*' ? [] : contacts.map((c) => c.uriText);
  } catch {
    return [];
  }
}
