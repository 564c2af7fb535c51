import { incomingResponseFromSip, type OutgoingRequest } from '@switchboard/dialog';
import type { Logger } from '@switchboard/config';
import type { CallLogIds } from '../call-session-hooks.js';
import { bodyOf, type SessionBody } from '../legs/caller-leg.js';
import { withCredentials } from '../legs/trunk-digest.js';
import type { BridgeSide } from './call-bridge.js';

export interface SideReinviteOutcome {
  /**
   * The 2xx arrived with `body` (its answer, or its offer when the re-INVITE had none). `ack` sends
   * the ACK, with the answer to that offer if any (RFC 3264 §4); a 2xx retransmission gets the same ACK.
   */
  answered(body: SessionBody | undefined, ack: (answer?: SessionBody) => void): void;
  /**
   * No 2xx: the final status, or 491 when an INVITE of the dialog is still pending (§14.1: the same
   * back-off applies), 481 when the dialog is over, 408 on a timeout, 503 when it could not be sent
   * (then `err` says why).
   */
  failed(status: number, reason: string, err?: Error): void;
  /** The re-INVITE left (called again when a trunk's challenge makes it go once more). */
  sent?(): void;
}

/**
 * A re-INVITE the PBX itself sends on one side of a call (RFC 3261 §14.1), with `offer` or none
 * (RFC 3725 flow I: the far end then offers in its 2xx): parked-call retrieval, attended transfer,
 * INVITE with Replaces, music on hold and three-way rooms move a party's media with it. A trunk's
 * 401/407 is answered once with credentials (§22.2); no response at all ends the dialog (§12.2.1.2).
 */
export function reinviteSide(
  side: BridgeSide,
  offer: SessionBody | undefined,
  deps: { readonly logger: Logger },
  log: CallLogIds,
  outcome: SideReinviteOutcome,
): void {
  const { dialog, route } = side;
  const send = (headers: OutgoingRequest['headers'] | undefined): void => {
    let reinvite: OutgoingRequest;
    try {
      reinvite = dialog.createRequest('INVITE', {
        ...(offer ? { body: offer } : {}),
        ...(headers ? { headers } : {}),
      });
    } catch {
      if (dialog.state === 'terminated') return outcome.failed(481, 'Call/Transaction Does Not Exist');
      return outcome.failed(491, 'Request Pending'); // that party's own re-INVITE is pending
    }
    let sent: OutgoingRequest | undefined;
    const sendAck = (ack: OutgoingRequest): void => {
      route.sendAck(ack).catch((err: unknown) => {
        deps.logger.warn({ ...log, err }, 'ACK of a re-INVITE not sent');
      });
    };
    const ack = (answer?: SessionBody): void => {
      if (sent) return;
      sent = dialog.createAck(reinvite.cseq.seq, answer ? { body: answer } : {});
      sendAck(sent);
    };
    let final = false;
    outcome.sent?.();
    route.send(reinvite, {
      onResponse: (res) => {
        if (res.kind !== 'response' || res.status < 200) return;
        if (final) {
          if (res.status < 300 && sent) sendAck(sent); // a 2xx retransmission (§13.2.2.4)
          return;
        }
        final = true;
        const auth = route.credentialsFor(reinvite, res);
        dialog.responseReceived(reinvite, incomingResponseFromSip(res));
        if (auth) return send(withCredentials(reinvite.headers, auth));
        if (res.status >= 300) return outcome.failed(res.status, res.reason);
        outcome.answered(bodyOf(res), ack);
      },
      onTimeout: () => {
        dialog.requestFailed(reinvite);
        outcome.failed(408, 'Request Timeout');
      },
      onTransportError: (err) => {
        dialog.requestFailed(reinvite);
        outcome.failed(503, 'Service Unavailable', err);
      },
    });
  };
  send(undefined);
}
