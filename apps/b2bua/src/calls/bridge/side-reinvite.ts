import { incomingResponseFromSip, type OutgoingRequest } from '@switchboard/dialog';
import type { CallDeps } from '../call-deps.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { bodyOf, type SessionBody } from '../legs/caller-leg.js';
import type { BridgeSide } from './call-bridge.js';

export interface SideReinviteOutcome {
  /**
   * The 2xx arrived with `body` (its answer, or its offer when the re-INVITE had none). `ack` sends
   * the ACK, with the answer to that offer if any (RFC 3264 §4); a 2xx retransmission gets the same ACK.
   */
  answered(body: SessionBody | undefined, ack: (answer?: SessionBody) => void): void;
  failed(status: number, reason: string): void;
}

/**
 * A re-INVITE the PBX itself sends on one side of a call (RFC 3261 §14.1), with `offer` or none
 * (RFC 3725 flow I: the far end then offers in its 2xx): parked-call retrieval, attended transfer
 * and INVITE with Replaces move a party's media with it.
 */
export function reinviteSide(
  side: BridgeSide,
  offer: SessionBody | undefined,
  deps: Pick<CallDeps, 'logger'>,
  log: CallLogIds,
  outcome: SideReinviteOutcome,
): void {
  const { dialog, route } = side;
  let reinvite: OutgoingRequest;
  try {
    reinvite = dialog.createRequest('INVITE', offer ? { body: offer } : {});
  } catch {
    outcome.failed(491, 'Request Pending'); // that party's own re-INVITE is pending
    return;
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
  route.send(reinvite, {
    onResponse: (res) => {
      if (res.kind !== 'response' || res.status < 200) return;
      if (final) {
        if (res.status < 300 && sent) sendAck(sent); // a 2xx retransmission
        return;
      }
      final = true;
      dialog.responseReceived(reinvite, incomingResponseFromSip(res));
      if (res.status >= 300) return outcome.failed(res.status, res.reason);
      outcome.answered(bodyOf(res), ack);
    },
    onTimeout: () => outcome.failed(408, 'Request Timeout'),
    onTransportError: () => outcome.failed(503, 'Service Unavailable'),
  });
}
