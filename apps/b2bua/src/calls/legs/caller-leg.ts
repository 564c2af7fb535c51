import { Dialog, incomingRequestFromSip, type DialogHooks } from '@switchboard/dialog';
import { createResponse, generateTag, type SipMessage, type SipRequest } from '@switchboard/sip';
import { Uas2xxRetransmitter, type ResolvedTarget, type ServerTransaction } from '@switchboard/transactions';
import { uasNeedsSipsContact } from '../../sip/sips-contact.js';
import type { CallSipPort } from '../call-sip-port.js';
import { CallerEarlyDialogs } from './caller-early-dialogs.js';
import { withCallOptionTagPairs } from './call-option-tags.js';
import { InDialogRoute, reachedOnFlow } from './in-dialog-route.js';

export interface SessionBody {
  readonly contentType: string;
  readonly content: Buffer;
}

/** The body of a message as a SessionBody (undefined when empty). */
export function bodyOf(message: SipMessage): SessionBody | undefined {
  if (message.body.length === 0) return undefined;
  return { contentType: message.getHeader('Content-Type') ?? 'application/sdp', content: message.body };
}

/**
 * The caller's side of a call (the UAS half of the B2BUA): provisional relay, the final answer,
 * the 2xx retransmitted until the ACK (RFC 3261 §13.3.1.4), and the dialog for mid-call requests.
 * States: proceeding → answered (2xx sent, waiting for ACK) → confirmed | rejected.
 */
export class CallerLeg {
  /** Our To-tag of final non-2xx answers, and of the first early dialog. */
  readonly localTag = generateTag();
  /** One early dialog toward the caller per early dialog of a callee branch. */
  private readonly early = new CallerEarlyDialogs(this.localTag);
  private state: 'proceeding' | 'answered' | 'confirmed' | 'rejected' = 'proceeding';
  private retransmitter: Uas2xxRetransmitter<SipMessage> | undefined;
  dialog: Dialog | undefined;
  /** How requests of the caller's dialog reach it (route set, remote target, or its NAT flow). */
  readonly route: InDialogRoute;

  constructor(
    private readonly port: CallSipPort,
    readonly invite: SipRequest,
    readonly tx: ServerTransaction<SipMessage>,
    /** Where the caller's INVITE came from (source and transport): its flow, e.g. through a NAT. */
    readonly destination: ResolvedTarget,
    private readonly allow: string,
  ) {
    this.route = new InDialogRoute(port, destination, reachedOnFlow(firstContact(invite), destination));
  }

  get open(): boolean {
    return this.state === 'proceeding';
  }

  get confirmed(): boolean {
    return this.state === 'confirmed';
  }

  /** Our To-tag for the early dialog `calleeTag` of callee leg `legCallId` (see CallerEarlyDialogs). */
  earlyTag(legCallId: string, calleeTag: string | undefined): string {
    return this.early.tagFor(legCallId, calleeTag);
  }

  /** Is `tag` one of our early dialogs' tags (e.g. the To-tag of the caller's BYE while ringing)? */
  isEarlyTag(tag: string | undefined): boolean {
    return this.early.has(tag);
  }

  /** Relays a 180/183 (with early-media SDP when the callee sent one) on the early dialog `toTag`. */
  provisional(status: number, reason: string, body: SessionBody | undefined, toTag = this.localTag): void {
    if (this.state !== 'proceeding') return;
    const headers = [...this.recordRoute, ['Contact', `<${this.contact}>`] as const];
    if (body) headers.push(['Content-Type', body.contentType]);
    this.tx.respond(
      createResponse(this.invite, status, {
        reason,
        toTag,
        headers,
        ...(body ? { body: body.content } : {}),
      }),
    );
  }

  /** A final non-2xx answer; `headers` e.g. Retry-After or the Contacts of a 3xx. */
  reject(status: number, reason: string, headers: Array<readonly [string, string]> = []): void {
    if (this.state !== 'proceeding') return;
    this.state = 'rejected';
    try {
      this.tx.respond(createResponse(this.invite, status, { reason, toTag: this.localTag, headers }));
    } catch {
      // The INVITE transaction already ended (e.g. its final answer was sent by a CANCEL race).
    }
  }

  /**
   * Sends the 2xx with the callee's answer and creates the caller-side dialog; `toTag` is the
   * early dialog of the branch that answered (RFC 3261 §13.2.2.4: the 2xx confirms that one).
   */
  answer(
    body: SessionBody | undefined,
    hooks: DialogHooks,
    onNoAck: () => void,
    toTag = this.localTag,
    /** More headers for the 2xx, e.g. RFC 4028 Session-Expires. */
    extra: ReadonlyArray<readonly [string, string]> = [],
    /**
     * A conference focus answering (RFC 4579 §4): our Contact is the conference URI with the
     * `isfocus` feature parameter (RFC 3840 §9), so the phone knows it talks to a conference.
     */
    focus?: string,
  ): Dialog {
    const localContact = focus ?? this.contact;
    const dialog = Dialog.asUas(incomingRequestFromSip(this.invite), toTag, {
      clock: this.port.clock,
      localContact,
      hooks,
    });
    const headers = [
      ...this.recordRoute,
      ['Contact', focus ? `<${focus}>;isfocus` : `<${this.contact}>`] as const,
      ['Allow', this.allow] as const,
      ...withCallOptionTagPairs(extra),
    ];
    if (body) headers.push(['Content-Type', body.contentType]);
    const ok = createResponse(this.invite, 200, {
      toTag,
      headers,
      ...(body ? { body: body.content } : {}),
    });
    this.state = 'answered';
    this.dialog = dialog;
    dialog.responseSent(incomingRequestFromSip(this.invite), 200);
    this.retransmitter = new Uas2xxRetransmitter(this.tx, ok, this.port.clock, onNoAck);
    this.retransmitter.start();
    return dialog;
  }

  /** The ACK for our 2xx. */
  acked(): void {
    this.retransmitter?.ack();
    if (this.state === 'answered') this.state = 'confirmed';
  }

  dispose(): void {
    this.retransmitter?.ack();
  }

  /** §12.1.1: a response that creates a dialog copies the request's Record-Route, in order. */
  private get recordRoute(): Array<readonly [string, string]> {
    return this.invite.getHeaderValues('Record-Route').map((v) => ['Record-Route', v] as const);
  }

  /** Our Contact toward the caller: `sips:` only when its INVITE asked for SIPS (RFC 3261 §12.1.1). */
  get contact(): string {
    return this.localUri();
  }

  /** A URI of ours reached as the caller reaches us, with `user` (e.g. a conference URI). */
  localUri(user?: string): string {
    return this.port.localUri(this.destination.protocol, user, uasNeedsSipsContact(this.invite));
  }
}

/** The URI of the request's first Contact; undefined when there is none or it does not parse. */
function firstContact(request: SipRequest): string | undefined {
  try {
    const contacts = request.contacts;
    return contacts === '*' ? undefined : contacts[0]?.uriText;
  } catch {
    return undefined;
  }
}
