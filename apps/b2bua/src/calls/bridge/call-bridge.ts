import {
  incomingRequestFromSip,
  incomingResponseFromSip,
  type Dialog,
  type OutgoingRequest,
} from '@switchboard/dialog';
import { createResponse, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';
import { Uas2xxRetransmitter, type ServerTransaction } from '@switchboard/transactions';
import type { CallSipPort } from '../call-sip-port.js';
import { bodyOf } from '../legs/caller-leg.js';
import type { SessionBody } from '../legs/caller-leg.js';
import { other, RelayedInvites, type Side } from './relayed-invites.js';
import { relayBody, type BodyRelay } from './session-body-relay.js';
import type { SessionRefresh } from './session-refresh.js';
import { warningOf } from './sdp-media-limit.js';
import { flowOf, type InDialogRoute, sendBye } from '../legs/in-dialog-route.js';
import { withCredentials } from '../legs/trunk-digest.js';

export type { Side };

export interface BridgeSide {
  readonly dialog: Dialog;
  /** Where this side's in-dialog requests go (RFC 3261 §12.2.1.1, or its NAT flow). */
  readonly route: InDialogRoute;
  readonly contact: string;
}

export interface BridgeHooks {
  /** A BYE came from `side`: the other side has been sent BYE. */
  onHangup(side: Side): void;
  /** An ACK to `side` could not be sent (no destination or transport); its 2xx retransmissions ask again. */
  onAckFailed(side: Side, err: unknown): void;
  /** The bridge ended the call itself (both sides sent BYE), e.g. no ACK for a re-INVITE's 2xx. */
  onEnded(cause: string): void;
  /** A DTMF INFO from `from` before it is relayed: true when the PBX took the key (a feature code). */
  onInfo?(from: Side, request: SipRequest): boolean;
  /**
   * A REFER from `from` (RFC 3515), accepted by its dialog (ids, CSeq): the hook answers it and
   * calls `responseSent`. Absent: REFER is answered 405 like any method the bridge does not relay.
   */
  onRefer?(
    from: Side,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    inbound: ReturnType<typeof incomingRequestFromSip>,
  ): void;
}

/**
 * How a mid-call SDP body crosses to the other side (the call's media anchor): `deliver` gets the
 * checked and, when relayed, rewritten body. By default the body is only checked.
 */
export type BridgeSdpCrossing = (
  kind: 'offer' | 'answer',
  from: Side,
  body: SessionBody | undefined,
  deliver: (relay: BodyRelay) => void,
) => void;

const checkOnly: BridgeSdpCrossing = (_kind, _from, body, deliver) => deliver(relayBody(body));

/** Methods relayed across the legs of a bridged call (RFC 3261 §14, RFC 3311, RFC 6086). */
const RELAYED = new Set(['INVITE', 'UPDATE', 'INFO']);

/**
 * A bridged call: two confirmed dialogs, requests from one relayed on the other with their
 * responses carried back. Re-INVITE/UPDATE offers (hold/resume, adding or removing video) keep
 * every m-line; glare is answered 491 by the dialog rules (§14.2); BYE from either side ends both.
 */
export class CallBridge {
  private ended = false;
  /** ACKs and 2xx retransmissions of relayed re-INVITEs, per asking side and CSeq. */
  private readonly invites = new RelayedInvites((to, ack) => this.sendAck(to, ack));

  constructor(
    private readonly port: CallSipPort,
    private readonly sides: Record<Side, BridgeSide>,
    private readonly hooks: BridgeHooks,
    private readonly allow: string,
    private readonly crossSdp: BridgeSdpCrossing = checkOnly,
    /** RFC 4028 session timers of the two legs (absent: off). */
    private readonly refresh?: SessionRefresh,
  ) {}

  /** A request inside one of the two dialogs. */
  handleRequest(from: Side, request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    const x = this.sides[from];
    const inbound = incomingRequestFromSip(request);
    const check = x.dialog.receiveRequest(inbound);
    if (!check.accept) {
      const headers: Array<readonly [string, string]> =
        check.retryAfterSeconds === undefined ? [] : [['Retry-After', String(check.retryAfterSeconds)]];
      tx.respond(createResponse(request, check.status, { reason: check.reason, headers }));
      return;
    }
    // Only a request the dialog accepted (its ids, a fresh CSeq) may move where a pinned peer is reached.
    x.route.heardFrom(flowOf(tx));
    if (request.method === 'REFER' && !this.ended && this.hooks.onRefer) {
      this.hooks.onRefer(from, request, tx, inbound);
      return;
    }
    if (request.method === 'BYE') {
      tx.reply(200);
      x.dialog.responseSent(inbound, 200);
      this.invites.close();
      this.sendBye(other(from));
      this.finish();
      this.hooks.onHangup(from);
      return;
    }
    if (request.method === 'INFO' && !this.ended && this.hooks.onInfo?.(from, request)) {
      tx.reply(200); // RFC 6086 §4.2.2: received and used; the other phone does not get the key
      x.dialog.responseSent(inbound, 200);
      return;
    }
    if (this.ended || !RELAYED.has(request.method)) {
      tx.reply(this.ended ? 481 : 405);
      return;
    }
    // RFC 4028: 422 for a too short Session-Expires; a pure session refresh is this leg's own business.
    const own = this.refresh?.intercept(from, request);
    if (own) {
      this.answer(from, request, tx, own);
      return;
    }
    // An SDP in INVITE/UPDATE is an offer (RFC 3264 §4, RFC 3311 §5.1); INFO bodies are not SDP.
    this.crossSdp('offer', from, bodyOf(request), (relay) => {
      if (this.ended) {
        tx.reply(481);
        x.dialog.responseSent(inbound, 481);
        return;
      }
      this.forwardRequest(from, request, inbound, tx, relay);
    });
  }

  private forwardRequest(
    from: Side,
    request: SipRequest,
    inbound: ReturnType<typeof incomingRequestFromSip>,
    tx: ServerTransaction<SipMessage>,
    relay: BodyRelay,
  ): void {
    const x = this.sides[from];
    const y = this.sides[other(from)];
    if (!relay.ok) {
      tx.respond(
        createResponse(request, 488, {
          reason: 'Not Acceptable Here',
          headers: [warningOf(relay.reason, relay.warnCode)],
        }),
      );
      x.dialog.responseSent(inbound, 488);
      return;
    }
    let out: OutgoingRequest;
    try {
      out = y.dialog.createRequest(request.method, {
        headers: this.refresh?.requestHeaders(other(from), request.method) ?? [],
        ...(relay.body ? { body: relay.body } : {}),
      });
    } catch {
      // Our own INVITE/UPDATE on the other leg is still pending: the same glare answer (§14.2).
      tx.reply(491, 'Request Pending');
      x.dialog.responseSent(inbound, 491);
      return;
    }
    const lateOffer = request.method === 'INVITE' && relay.body === undefined;
    const send = (req: OutgoingRequest): void => {
      let final = false;
      y.route.send(req, {
        onResponse: (res) => {
          if (res.kind !== 'response' || res.status < 200) return;
          // A 2xx retransmission (the INVITE transaction is Accepted, RFC 6026) is not a new answer.
          if (final) {
            if (req.method === 'INVITE' && res.status < 300)
              this.invites.retransmitted(from, request.cseq.seq);
            return;
          }
          final = true;
          const again = this.withCredentials(y, req, res);
          if (again) return send(again);
          this.relayResponse(from, request, tx, req, res, lateOffer);
        },
        onTimeout: () => this.relayFailure(from, request, tx, req, 408),
        onTransportError: () => this.relayFailure(from, request, tx, req, 503),
      });
    };
    send(out);
  }

  /**
   * A trunk's 401/407 to a request we relayed (re-INVITE, UPDATE, INFO…): the same request again in
   * the dialog (next CSeq) with credentials (RFC 3261 §22.2); undefined when it is not to be retried.
   */
  private withCredentials(
    y: BridgeSide,
    req: OutgoingRequest,
    res: SipResponse,
  ): OutgoingRequest | undefined {
    const auth = y.route.credentialsFor(req, res);
    if (!auth) return undefined;
    y.dialog.responseReceived(req, incomingResponseFromSip(res));
    try {
      return y.dialog.createRequest(req.method, {
        headers: withCredentials(req.headers, auth),
        ...(req.body ? { body: req.body } : {}),
      });
    } catch {
      return undefined;
    }
  }

  /** An ACK for a 2xx we relayed (ours to the other side was sent when its 2xx arrived). */
  handleAck(from: Side, ack: SipRequest): void {
    this.sides[from].dialog.receiveRequest(incomingRequestFromSip(ack));
    const seq = ack.cseq.seq;
    const held = this.invites.acked(from, seq);
    if (held) {
      // Late offer: the asker's answer rides in its ACK and goes on in ours (RFC 3264 §4).
      this.crossSdp('answer', from, bodyOf(ack), (answer) =>
        this.invites.sendHeld(from, seq, withBody(held, answer.ok ? answer.body : undefined)),
      );
    }
  }

  /** One side's dialog and route (a transfer notifies and re-INVITEs through them). */
  side(side: Side): BridgeSide {
    return this.sides[side];
  }

  /** A transfer replaced this bridge: it relays nothing more and sends no BYE (the new one owns the legs). */
  retire(): void {
    this.finish();
  }

  /** Ends both dialogs with BYE (the system hangs up, e.g. shutdown). */
  hangUpBoth(): void {
    if (this.ended) return;
    this.invites.close(); // a 2xx is always ACKed before its dialog's BYE
    this.sendBye('caller');
    this.sendBye('callee');
    this.finish();
  }

  private relayResponse(
    from: Side,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    out: OutgoingRequest,
    res: SipResponse,
    lateOffer: boolean,
  ): void {
    const y = this.sides[other(from)];
    y.dialog.responseReceived(out, incomingResponseFromSip(res));
    if (this.refresh?.relayedResponse(other(from), out.method, res)) {
      // RFC 4028 §7.3: a 422 raised that leg's interval; the same request goes again.
      const body = out.body && { contentType: out.body.contentType, content: Buffer.from(out.body.content) };
      const again: BodyRelay = { ok: true, body, mediaCount: 0 };
      this.forwardRequest(from, request, incomingRequestFromSip(request), tx, again);
      return;
    }
    if (out.method === 'INVITE' && res.status < 300)
      this.invites.answered(from, request.cseq.seq, y.dialog.createAck(out.cseq.seq), lateOffer);
    if (res.status >= 300) {
      this.respondRelayed(from, request, tx, out, res, { ok: true, body: undefined, mediaCount: 0 });
      return;
    }
    // The 2xx carries the answer, or the offer when the request had none (late offer).
    this.crossSdp(lateOffer ? 'offer' : 'answer', other(from), bodyOf(res), (body) => {
      if (body.ok) this.respondRelayed(from, request, tx, out, res, body);
      else this.unusable2xx(from, request, tx, body.reason);
    });
  }

  /**
   * A 2xx whose SDP cannot be used (RFC 3261 §13.2.2.4, §14.1: ACK it, then BYE): the other side was
   * ACKed (a late offer's held ACK goes without answer), the asker gets 488 with the reason, and the
   * session ends with BYE on both sides (neither has a usable description of the other any more).
   */
  private unusable2xx(
    from: Side,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    reason: string,
  ): void {
    this.answer(
      from,
      request,
      tx,
      createResponse(request, 488, { reason: 'Not Acceptable Here', headers: [warningOf(reason)] }),
    );
    this.endCall(`unusable SDP in the ${other(from)}'s 2xx: ${reason}`);
  }

  private respondRelayed(
    from: Side,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    out: OutgoingRequest,
    res: SipResponse,
    body: BodyRelay,
  ): void {
    const x = this.sides[from];
    const headers: Array<readonly [string, string]> = [];
    if (res.status < 300 && (out.method === 'INVITE' || out.method === 'UPDATE'))
      headers.push(
        ['Contact', `<${x.contact}>`],
        ['Allow', this.allow],
        ...(this.refresh?.answerHeaders(from, request) ?? []),
      );
    const retryAfter = res.getHeader('Retry-After');
    if (retryAfter !== undefined) headers.push(['Retry-After', retryAfter]);
    const relayed = body.ok ? body.body : undefined;
    if (relayed) headers.push(['Content-Type', relayed.contentType]);
    const response = createResponse(request, res.status, {
      reason: res.reason,
      headers,
      ...(relayed ? { body: relayed.content } : {}),
    });
    this.answer(from, request, tx, response);
  }

  private relayFailure(
    from: Side,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    out: OutgoingRequest,
    status: number,
  ): void {
    this.sides[other(from)].dialog.requestFailed(out);
    this.answer(from, request, tx, createResponse(request, status));
  }

  private answer(
    from: Side,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    response: SipResponse,
  ): void {
    const x = this.sides[from];
    x.dialog.responseSent(incomingRequestFromSip(request), response.status);
    if (request.method === 'INVITE' && response.status < 300) {
      // §13.3.1.4: our 2xx to the re-INVITE is ours to retransmit until the ACK; none in 64*T1
      // ends the session with BYE.
      const r = new Uas2xxRetransmitter<SipMessage>(tx, response, this.port.clock, () =>
        this.endCall(`no ACK from the ${from} for the 2xx to its re-INVITE`),
      );
      this.invites.responding(from, request.cseq.seq, r);
      r.start();
      return;
    }
    try {
      tx.respond(response);
    } catch {
      // The server transaction ended meanwhile (e.g. Timer on our side); nothing to answer.
    }
  }

  private sendAck(to: Side, ack: OutgoingRequest): void {
    this.sides[to].route.sendAck(ack).catch((err: unknown) => this.hooks.onAckFailed(to, err));
  }

  /** The bridge itself ends the call: BYE on both sides, then the session is told why. */
  private endCall(cause: string): void {
    if (this.ended) return;
    this.hangUpBoth();
    this.hooks.onEnded(cause);
  }

  private sendBye(side: Side): void {
    sendBye(this.sides[side].route, this.sides[side].dialog);
  }

  private finish(): void {
    this.invites.close();
    this.ended = true;
  }
}

function withBody(ack: OutgoingRequest, body: SessionBody | undefined): OutgoingRequest {
  return body ? { ...ack, body: { contentType: body.contentType, content: body.content } } : ack;
}
