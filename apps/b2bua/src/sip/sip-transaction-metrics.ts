import type { ProcessMetrics } from '@switchboard/metrics';
import type { Retransmission, TransactionCensus, TransactionObserver } from '@switchboard/transactions';
import type { Counter } from 'prom-client';

/**
 * Methods counted under their own name; anything else a peer invents is `other`, so a stream of
 * made-up methods cannot grow the label set (RFC 3261 §7.1 allows any token).
 */
const METHOD_LABELS = new Set([
  'INVITE',
  'ACK',
  'BYE',
  'CANCEL',
  'REGISTER',
  'OPTIONS',
  'SUBSCRIBE',
  'NOTIFY',
  'REFER',
  'INFO',
  'UPDATE',
  'PRACK',
  'MESSAGE',
  'PUBLISH',
]);

/**
 * The transaction layer seen from Prometheus: live transactions by kind and state (read from the
 * layer at scrape time) and retransmissions sent and received (told by the layer as they happen).
 */
export class SipTransactionMetrics implements TransactionObserver {
  private readonly retransmissions: Counter<'direction' | 'message' | 'method'>;

  constructor(metrics: ProcessMetrics, census: () => TransactionCensus | undefined) {
    metrics.gauge({
      name: 'switchboard_sip_transactions',
      help: 'SIP transactions this process holds now, by kind (invite-client, non-invite-server, …) and RFC 3261 §17 state',
      labelNames: ['kind', 'state'],
      collect() {
        const now = census();
        if (!now) return; // the listeners are not open (yet, or any more)
        for (const [kind, states] of Object.entries(now))
          for (const [state, n] of Object.entries(states)) this.set({ kind, state }, n);
      },
    });
    this.retransmissions = metrics.counter({
      name: 'switchboard_sip_retransmissions_total',
      help: 'SIP messages sent again (timers, answers to a repeated request) or received again, by method',
      labelNames: ['direction', 'message', 'method'],
    });
  }

  retransmission(event: Retransmission): void {
    const method = METHOD_LABELS.has(event.method) ? event.method : 'other';
    this.retransmissions.inc({ direction: event.direction, message: event.message, method });
  }
}
