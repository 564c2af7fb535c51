import type { Logger } from '@switchboard/config';
import type { BridgeSide } from '../bridge/call-bridge.js';
import { reinviteSide } from '../bridge/side-reinvite.js';
import type { CallDeps } from '../call-deps.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { SessionBody } from '../legs/caller-leg.js';
import type { ParkedEntry } from './park-lot.js';

/**
 * The park number dialled as a call of its own (not as a transfer target): there is no call to park,
 * so the INVITE is refused 403 with a reason that says how parking works (a real phone shows it).
 */
export function parkNumberDialled(
  number: string,
): [number, string, ReadonlyArray<readonly [string, string]>, 'rejected', string] {
  return [403, `Nothing To Park: Transfer A Call To ${number}`, [], 'rejected', 'park number dialled'];
}

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
  reinviteWithOffer(entry.side, offer, deps.logger, log, outcome);
}

/**
 * A re-INVITE with `offer` in `side`'s dialog (RFC 3261 §14.1); a 2xx is ACKed at once (also its
 * retransmissions) and its answer handed on. Used to move a parked party and to play the parker its slot.
 */
export function reinviteWithOffer(
  side: BridgeSide,
  offer: SessionBody,
  logger: Logger,
  log: CallLogIds,
  outcome: RetrievalOutcome,
): void {
  reinviteSide(side, offer, { logger }, log, {
    answered: (answer, ack) => {
      ack();
      outcome.answered(answer);
    },
    failed: (status, reason) => outcome.failed(status, reason),
  });
}
