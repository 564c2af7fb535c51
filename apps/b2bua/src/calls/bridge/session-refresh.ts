import type { Logger } from '@switchboard/config';
import {
  SessionTimer,
  answerSessionRefresh,
  incomingResponseFromSip,
  type HeaderField,
  type OutgoingRequest,
  type Refresher,
  sessionTimerFromAnswer,
  type SessionTimerSettings,
} from '@switchboard/dialog';
import { createResponse, type SipRequest, type SipResponse } from '@switchboard/sip';
import type { Clock } from '@switchboard/transactions';
import { bodyOf, type SessionBody } from '../legs/caller-leg.js';
import type { BridgeSide } from './call-bridge.js';
import { other, type Side } from './relayed-invites.js';
import type { BodyRelay } from './session-body-relay.js';
import { allowsUpdate, intervalTooSmall, sessionTimerViewOf } from './session-timer-messages.js';

/** One leg's session timer as negotiated when the call was answered. */
export interface LegSessionTimer {
  readonly settings: SessionTimerSettings;
  readonly interval: number;
  readonly refresher: Refresher;
  /** The peer lists UPDATE in Allow: refreshes go by UPDATE, which needs no SDP (RFC 4028 §7.4). */
  readonly peerAllowsUpdate: boolean;
  /** The SDP last sent to and received from the peer of this leg. */
  readonly sent: SessionBody | undefined;
  readonly received: SessionBody | undefined;
}

export interface SessionRefreshInit {
  readonly sides: Record<Side, BridgeSide>;
  readonly legs: Record<Side, LegSessionTimer>;
  readonly clock: Clock;
  readonly allow: string;
  readonly logger: Logger;
  readonly call: { readonly id: string; readonly callId: string };
  /** Leg `side`'s session expired or its refresh failed: the call ends with BYE on both legs. */
  readonly onEnd: (side: Side, cause: string) => void;
}

/**
 * The caller leg's session timer for our 2xx to its INVITE (§9) and the headers that 2xx carries;
 * undefined when the INVITE's interval is too short (it was answered 422 before routing).
 */
export function callerLegTimer(
  invite: SipRequest,
  sent: SessionBody | undefined,
  settings: SessionTimerSettings,
): { readonly leg: LegSessionTimer; readonly headers: Array<readonly [string, string]> } | undefined {
  const decision = answerSessionRefresh(sessionTimerViewOf(invite), settings);
  if (decision.kind === 'reject') return undefined;
  const { interval, refresher } = decision;
  const received = bodyOf(invite);
  const peerAllowsUpdate = allowsUpdate(invite);
  return {
    leg: { settings, interval, refresher, peerAllowsUpdate, sent, received },
    headers: tuples(decision.headers),
  };
}

/** A callee leg's session timer from the 2xx that answered our INVITE (§7.2). */
export function calleeLegTimer(
  answer: SipResponse,
  sent: SessionBody | undefined,
  settings: SessionTimerSettings,
): LegSessionTimer {
  const { interval, refresher } = sessionTimerFromAnswer(sessionTimerViewOf(answer), settings.expires);
  return {
    settings,
    interval,
    refresher,
    peerAllowsUpdate: allowsUpdate(answer),
    sent,
    received: bodyOf(answer),
  };
}

/**
 * RFC 4028 session timers of a bridged call. A B2BUA's legs are separate sessions: each has its own
 * SessionTimer, interval and refresher. Where we refresh a leg we send UPDATE (peer allows it) or a
 * re-INVITE offering the last SDP unchanged, at half the interval; where the peer refreshes we
 * answer its refresh ourselves (a pure refresh never crosses to the other leg) and re-arm. A leg
 * that expires, or whose refresh gets 408/481/no answer (§10), ends the call on both legs.
 */
export class SessionRefresh {
  private readonly timers: Record<Side, SessionTimer>;
  private readonly sdp: Record<Side, { sent: SessionBody | undefined; received: SessionBody | undefined }>;
  private readonly allowsUpdate: Record<Side, boolean>;
  private stopped = false;
  /** An offer that crossed and awaits its answer. */
  private pendingOffer:
    { from: Side; original: SessionBody | undefined; delivered: SessionBody | undefined } | undefined;

  constructor(private readonly init: SessionRefreshInit) {
    const { caller, callee } = init.legs;
    this.sdp = {
      caller: { sent: caller.sent, received: caller.received },
      callee: { sent: callee.sent, received: callee.received },
    };
    this.allowsUpdate = { caller: caller.peerAllowsUpdate, callee: callee.peerAllowsUpdate };
    this.timers = { caller: this.startTimer('caller'), callee: this.startTimer('callee') };
  }

  /**
   * Called for an INVITE/UPDATE from `from` before it is relayed: a 422 when its Session-Expires is
   * below our Min-SE (§9), or our own 2xx when it is a pure session refresh (UPDATE without a body,
   * or a re-INVITE whose SDP is the one that peer sent last: no media change, RFC 3264 §8).
   * Undefined: relay it.
   */
  intercept(from: Side, request: SipRequest): SipResponse | undefined {
    if (this.stopped || !isRefresh(request.method)) return undefined;
    const decision = answerSessionRefresh(sessionTimerViewOf(request), this.timers[from].settings);
    if (decision.kind === 'reject') return intervalTooSmall(request, decision.minSE);
    const answer = this.localAnswer(from, request);
    if (answer === undefined) return undefined;
    this.timers[from].refreshed(decision.interval, decision.refresher);
    const x = this.init.sides[from];
    const headers: Array<readonly [string, string]> = [
      ['Contact', `<${x.contact}>`],
      ['Allow', this.init.allow],
      ...tuples(decision.headers),
    ];
    if (answer.body) headers.push(['Content-Type', answer.body.contentType]);
    return createResponse(request, 200, { headers, ...(answer.body ? { body: answer.body.content } : {}) });
  }

  /** Session timer headers of a request relayed onto leg `to` (an INVITE/UPDATE refreshes that leg too). */
  requestHeaders(to: Side, method: string): HeaderField[] {
    return this.stopped || !isRefresh(method) ? [] : this.timers[to].requestHeaders();
  }

  /** Session timer headers of the 2xx we relay to `from` for its INVITE/UPDATE, which re-arms its leg. */
  answerHeaders(from: Side, request: SipRequest): Array<readonly [string, string]> {
    if (this.stopped) return [];
    const decision = answerSessionRefresh(sessionTimerViewOf(request), this.timers[from].settings);
    if (decision.kind === 'reject') return [];
    this.timers[from].refreshed(decision.interval, decision.refresher);
    return tuples(decision.headers);
  }

  /**
   * The final response to an INVITE/UPDATE relayed onto leg `to`: a 2xx re-arms that leg (§7.2).
   * True for a 422 whose Min-SE raised our interval: send the request again (§7.3).
   */
  relayedResponse(to: Side, method: string, response: SipResponse): boolean {
    if (this.stopped || !isRefresh(method)) return false;
    if (response.status >= 200 && response.status < 300) {
      this.timers[to].answered(sessionTimerViewOf(response));
      return false;
    }
    return response.status === 422 && this.timers[to].tooSmall(sessionTimerViewOf(response).minSE);
  }

  /**
   * An SDP body crossed from `from` to the other leg (as `relay` delivered it). An offer only counts
   * once answered (RFC 3264 §8: a refused offer, e.g. 491 or 488, leaves the old session description).
   */
  crossed(kind: 'offer' | 'answer', from: Side, original: SessionBody | undefined, relay: BodyRelay): void {
    const delivered = relay.ok ? relay.body : undefined;
    if (kind === 'offer') {
      this.pendingOffer = { from, original, delivered };
      return;
    }
    const offer = this.pendingOffer;
    this.pendingOffer = undefined;
    if (offer?.from === other(from)) this.exchanged(offer.from, offer.original, offer.delivered);
    this.exchanged(from, original, delivered);
  }

  stop(): void {
    this.stopped = true;
    this.timers.caller.stop();
    this.timers.callee.stop();
  }

  private exchanged(from: Side, original: SessionBody | undefined, delivered: SessionBody | undefined): void {
    if (original) this.sdp[from].received = original;
    if (delivered) this.sdp[other(from)].sent = delivered;
  }

  private startTimer(side: Side): SessionTimer {
    const leg = this.init.legs[side];
    const timer: SessionTimer = new SessionTimer(this.init.clock, leg.settings, {
      refresh: () => this.refresh(side),
      expired: () =>
        this.end(side, `session timer expired on the ${side} leg (no refresh within ${timer.interval} s)`),
    });
    timer.refreshed(leg.interval, leg.refresher);
    return timer;
  }

  private localAnswer(from: Side, request: SipRequest): { body: SessionBody | undefined } | undefined {
    if (request.method === 'UPDATE') return request.body.length === 0 ? { body: undefined } : undefined;
    const { sent, received } = this.sdp[from];
    if (!sent || !received || request.body.length === 0) return undefined;
    return request.body.equals(received.content) ? { body: sent } : undefined;
  }

  /** Our refresh of leg `side` (§7.4): UPDATE without SDP, or a re-INVITE with the last SDP unchanged. */
  private refresh(side: Side): void {
    const s = this.init.sides[side];
    const timer = this.timers[side];
    const offer = this.sdp[side].sent;
    const method = this.allowsUpdate[side] || offer === undefined ? 'UPDATE' : 'INVITE';
    let out: OutgoingRequest;
    try {
      out = s.dialog.createRequest(method, {
        headers: timer.requestHeaders(),
        ...(method === 'INVITE' && offer ? { body: offer } : {}),
      });
    } catch {
      // An INVITE transaction runs on this leg (its 2xx refreshes the session as well): later.
      timer.retryLater();
      return;
    }
    let final = false;
    s.route.send(out, {
      onResponse: (res) => {
        if (res.kind !== 'response' || res.status < 200) return;
        // A retransmitted 2xx of our re-INVITE (RFC 6026 Accepted) only gets the same ACK again.
        if (final) {
          if (out.method === 'INVITE' && res.status < 300) this.ack(side, out);
          return;
        }
        final = true;
        this.refreshAnswered(side, out, res);
      },
      onTimeout: () => this.end(side, `session refresh (${method}) on the ${side} leg got no answer`),
      onTransportError: (err) =>
        this.end(side, `session refresh (${method}) on the ${side} leg not sent: ${err.message}`),
    });
  }

  private refreshAnswered(side: Side, out: OutgoingRequest, res: SipResponse): void {
    const s = this.init.sides[side];
    const timer = this.timers[side];
    const status = res.status;
    if (status === 408 || status === 481) {
      // §10: the session is gone; BYE goes out on both legs while the dialog still stands.
      this.end(side, `session refresh (${out.method}) on the ${side} leg answered ${status}`);
      return;
    }
    s.dialog.responseReceived(out, incomingResponseFromSip(res));
    if (out.method === 'INVITE' && status < 300) this.ack(side, out);
    if (status < 300) {
      timer.answered(sessionTimerViewOf(res));
      this.refreshAnswerBody(side, res);
      return;
    }
    if (status === 422 && timer.tooSmall(sessionTimerViewOf(res).minSE)) return this.refresh(side);
    if ((status === 405 || status === 501) && out.method === 'UPDATE' && this.sdp[side].sent) {
      this.allowsUpdate[side] = false; // it does not take UPDATE after all: re-INVITE from now on
      return this.refresh(side);
    }
    this.init.logger.info(
      { call: this.init.call.id, callId: this.init.call.callId, side, status },
      'session refresh refused; the session stands, trying again before it expires',
    );
    timer.retryLater();
  }

  /** The answer to our re-INVITE refresh should be the SDP we had; a changed one is not relayed. */
  private refreshAnswerBody(side: Side, res: SipResponse): void {
    const body = bodyOf(res);
    if (!body) return;
    const before = this.sdp[side].received;
    if (before && !before.content.equals(body.content)) {
      this.init.logger.info(
        { call: this.init.call.id, callId: this.init.call.callId, side },
        'session refresh answer changed the SDP; not relayed to the other leg',
      );
    }
    this.sdp[side].received = body;
  }

  private ack(side: Side, invite: OutgoingRequest): void {
    const s = this.init.sides[side];
    const ack = s.dialog.createAck(invite.cseq.seq);
    s.route
      .sendAck(ack)
      .catch((err: unknown) =>
        this.init.logger.warn(
          { err, call: this.init.call.id, callId: this.init.call.callId, side },
          'ACK of a session refresh not sent',
        ),
      );
  }

  private end(side: Side, cause: string): void {
    if (this.stopped) return;
    this.stop();
    this.init.logger.warn({ call: this.init.call.id, callId: this.init.call.callId, side, cause }, cause);
    this.init.onEnd(side, cause);
  }
}

/** RFC 4028 §1: a session refresh request is a re-INVITE or an UPDATE. */
function isRefresh(method: string): boolean {
  return method === 'INVITE' || method === 'UPDATE';
}

function tuples(headers: readonly HeaderField[]): Array<readonly [string, string]> {
  return headers.map((h) => [h.name, h.value] as const);
}
