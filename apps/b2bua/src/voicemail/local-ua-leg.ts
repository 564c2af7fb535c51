import { incomingRequestFromSip, type Dialog } from '@switchboard/dialog';
import { createResponse, type SipMessage, type SipRequest } from '@switchboard/sip';
import { Uas2xxRetransmitter, type ServerTransaction } from '@switchboard/transactions';
import type { BridgeSide } from '../calls/bridge/call-bridge.js';
import { sipInfoDigit } from '../calls/dtmf/sip-info-digit.js';
import { bodyOf, type SessionBody } from '../calls/legs/caller-leg.js';
import { flowOf } from '../calls/legs/in-dialog-route.js';
import type { LocalCallContext } from './local-call.js';

export interface LocalUaHooks {
  /** The caller sent BYE (already answered 200). */
  byeFromCaller(): void;
  /** Our answer is in use (the ACK of our 2xx, or a moved party's 2xx): `answer` for a late offer. */
  confirmed(answer: SessionBody | undefined): void;
  /**
   * Our answer never took: no ACK for our 2xx within 64·T1 (RFC 3261 §13.3.1.4), or a moved party
   * refused our re-INVITE. The call must end.
   */
  noAck(): void;
  /** A re-INVITE's SDP offer: our answer, or undefined to refuse it with 488. */
  reoffer?(body: Buffer): string | undefined;
  /** A DTMF key reported by SIP INFO (application/dtmf-relay or application/dtmf), for phones without RFC 4733. */
  infoDigit?(digit: string): void;
}

/**
 * The SIP side of a call the B2BUA answers itself: our SDP to the party (a 2xx, or a re-INVITE of a
 * moved party: LocalParty), the party's in-dialog requests, and our BYE. Media is someone else's
 * business.
 */
export class LocalUaLeg {
  private dialog: Dialog | undefined;
  private closed = false;
  private reinvite: { seq: number; retransmitter: Uas2xxRetransmitter<SipMessage> } | undefined;

  constructor(
    private readonly ctx: LocalCallContext,
    private hooks: LocalUaHooks,
  ) {}

  get open(): boolean {
    return !this.closed;
  }

  /**
   * Another local application takes over the answered caller (an auto attendant's choice of
   * voicemail): BYE, a lost ACK and INFO keys go to it from now on; an absent hook keeps the old one.
   */
  rebind(hooks: Partial<LocalUaHooks>): void {
    this.hooks = { ...this.hooks, ...hooks };
  }

  /** The answered dialog as a bridge side (a hand-over re-INVITEs the caller on it). */
  side(): BridgeSide | undefined {
    const dialog = this.dialog;
    if (!dialog || this.closed) return undefined;
    return { dialog, route: this.ctx.party.route, contact: this.ctx.party.contact };
  }

  /** The dialog now belongs to the call's bridge (hand-over done): this leg sends nothing more. */
  release(): void {
    this.closed = true;
  }

  reject(status: number, reason: string, headers: Array<readonly [string, string]> = []): void {
    this.closed = true;
    this.ctx.party.reject(status, reason, headers);
  }

  answer(sdp: string): void {
    this.dialog = this.ctx.party.answer(
      { contentType: 'application/sdp', content: Buffer.from(sdp) },
      {
        confirmed: (answer) => this.hooks.confirmed(answer),
        failed: () => this.hooks.noAck(),
      },
    );
  }

  /** An ACK in the party's dialog: the one confirming our answer, or that of a re-INVITE's 2xx. */
  ack(ack: SipRequest): void {
    if (this.ctx.party.confirmedBy(ack)) this.hooks.confirmed(bodyOf(ack));
    else this.reinviteAcked(ack);
  }

  request(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    const dialog = this.dialog;
    if (!dialog || this.closed) {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    const inbound = incomingRequestFromSip(request);
    const check = dialog.receiveRequest(inbound);
    if (!check.accept) {
      tx.respond(createResponse(request, check.status, { reason: check.reason }));
      return;
    }
    this.ctx.party.route.heardFrom(flowOf(tx));
    if (request.method === 'INVITE' && this.answerReinvite(request, tx, inbound)) return;
    const status = this.statusFor(request);
    if (status === 488) {
      // An offer that drops our codec, an offerless re-INVITE or an UPDATE with SDP is refused.
      tx.respond(
        createResponse(request, 488, {
          reason: 'Not Acceptable Here',
          headers: [['Warning', '399 switchboard "voicemail does not renegotiate media"']],
        }),
      );
    } else {
      tx.reply(status);
    }
    dialog.responseSent(inbound, status);
    if (request.method === 'BYE') {
      this.closed = true;
      this.hooks.byeFromCaller();
    } else if (request.method === 'INFO') {
      const digit = sipInfoDigit(request);
      if (digit) this.hooks.infoDigit?.(digit);
    }
  }

  /** The ACK of our 2xx to a re-INVITE ends its retransmissions. */
  private reinviteAcked(ack: SipRequest): void {
    if (this.reinvite && ack.cseq.seq === this.reinvite.seq) {
      this.reinvite.retransmitter.ack();
      this.reinvite = undefined;
      this.dialog?.receiveRequest(incomingRequestFromSip(ack));
    }
  }

  /** 200 with our answer, retransmitted until the ACK (RFC 3261 §13.3.1.4); false when refused. */
  private answerReinvite(
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    inbound: ReturnType<typeof incomingRequestFromSip>,
  ): boolean {
    const sdp = this.hooks.reoffer?.(request.body);
    if (sdp === undefined || !this.dialog) return false;
    const ok = createResponse(request, 200, {
      headers: [
        ['Contact', `<${this.ctx.party.contact}>`],
        ['Allow', this.ctx.allow],
        ['Content-Type', 'application/sdp'],
      ],
      body: Buffer.from(sdp),
    });
    this.dialog.responseSent(inbound, 200);
    this.reinvite?.retransmitter.ack();
    const retransmitter = new Uas2xxRetransmitter(tx, ok, this.ctx.port.clock, () => {
      this.reinvite = undefined;
    });
    this.reinvite = { seq: request.cseq.seq, retransmitter };
    retransmitter.start();
    return true;
  }

  /** Our BYE (the voicemail hangs up). */
  hangUp(): void {
    if (this.closed) return;
    this.closed = true;
    const dialog = this.dialog;
    if (dialog) this.ctx.party.hangUp(dialog);
  }

  private statusFor(request: SipRequest): number {
    switch (request.method) {
      case 'BYE':
        return 200;
      case 'UPDATE':
        return request.body.length > 0 ? 488 : 200;
      case 'INFO':
        return 200;
      case 'INVITE':
        return 488;
      default:
        return 405;
    }
  }
}
