/** The four RFC 3261 §17 transaction kinds, as the layer counts them. */
export type TransactionKind = 'invite-client' | 'non-invite-client' | 'invite-server' | 'non-invite-server';

/**
 * The states a live transaction of each kind can be in (§17.1.1, §17.1.2, §17.2.1, §17.2.2 and
 * RFC 6026's Accepted). Terminated transactions leave the layer at once, so that state is never held.
 */
export const TRANSACTION_STATES: Readonly<Record<TransactionKind, readonly string[]>> = {
  'invite-client': ['calling', 'proceeding', 'completed', 'accepted'],
  'non-invite-client': ['trying', 'proceeding', 'completed'],
  'invite-server': ['proceeding', 'completed', 'confirmed', 'accepted'],
  'non-invite-server': ['trying', 'proceeding', 'completed'],
};

/** Live transactions per kind and state (every kind and state present, zero when none). */
export type TransactionCensus = Record<TransactionKind, Record<string, number>>;

/**
 * A message sent or received again (RFC 3261 §17). Sent: a request re-sent on Timer A/E, a
 * response re-sent on Timer G or for a retransmitted request, an ACK re-sent for a retransmitted
 * final response, a 2xx re-sent by the UAS core (§13.3.1.4). Received: a request matching a live
 * server transaction, an ACK for an INVITE server transaction already confirmed, a response whose
 * status and To tag the client transaction had already received.
 */
export interface Retransmission {
  readonly direction: 'sent' | 'received';
  readonly message: 'request' | 'response';
  /** The request's method; for a response, its CSeq method. */
  readonly method: string;
}

/** What the layer reports for metrics; it must be cheap and must not throw. */
export interface TransactionObserver {
  retransmission(event: Retransmission): void;
}
