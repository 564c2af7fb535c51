import { incomingResponseFromSip, type OutgoingRequest } from '@switchboard/dialog';
import type { CallDeps } from '../call-deps.js';
import type { CallLogIds } from '../call-session-hooks.js';
import { bodyOf, type SessionBody } from '../legs/caller-leg.js';
import type { ParkedEntry } from './park-lot.js';

export interface RetrievalOutcome {
  /** The parked party answered the retriever's offer: the retriever gets this answer in its 2xx. */
  answered(answer: SessionBody | undefined): void;
  failed(status: number, reason: string): void;
}

/**
 * Moves a parked party's media to the one who dialled its slot: a re-INVITE in the parked party's
 * dialog with the retriever's offer (RFC 3261 §14.1), its answer for the retriever's 2xx. The ACK
 * goes at once (RFC 3725 flow II order: the parked party answers before the retriever's 200).
 */
export function retrieveParked(
  entry: ParkedEntry,
  offer: SessionBody,
  deps: CallDeps,
  log: CallLogIds,
  outcome: RetrievalOutcome,
): void {
  const { dialog, route } = entry.side;
  let reinvite: OutgoingRequest;
  try {
    reinvite = dialog.createRequest('INVITE', { body: offer });
  } catch {
    outcome.failed(491, 'Request Pending'); // the parked party's own re-INVITE is pending
    return;
  }
  const ack = (): void => {
    route.sendAck(dialog.createAck(reinvite.cseq.seq)).catch((err: unknown) => {
      deps.logger.warn({ ...log, err }, 'ACK to the parked party not sent');
    });
  };
  let final = false;
  route.send(reinvite, {
    onResponse: (res) => {
      if (res.kind !== 'response' || res.status < 200) return;
      if (final) {
        if (res.status < 300) ack(); // a 2xx retransmission
        return;
      }
      final = true;
      dialog.responseReceived(reinvite, incomingResponseFromSip(res));
      if (res.status >= 300) return outcome.failed(res.status, res.reason);
      ack();
      outcome.answered(bodyOf(res));
    },
    onTimeout: () => outcome.failed(408, 'Request Timeout'),
    onTransportError: () => outcome.failed(503, 'Service Unavailable'),
  });
}
