import { type TuNotification } from '../transaction/effects.js';
import { type TransactionRunner } from '../transaction/transaction-runner.js';
import { type ClientEvent } from '../transaction/effects.js';
import { type Transport, type Endpoint } from '../transport/transport.js';

/** Callbacks a TU gives with each request it sends. */
export interface ClientTransactionHandlers<M> {
  /** Provisional and final responses (and, for INVITE, 2xx retransmissions while Accepted). */
  onResponse?(response: M, status: number): void;
  /** Timer B or F fired: no final response came (§17.1.1.2, §17.1.2.2). */
  onTimeout?(): void;
  onTransportError?(error: Error): void;
  onTerminated?(): void;
}

/** The TU's handle on a client transaction. */
export class ClientTransaction<M> {
  /** Status and To tag of each response received, to tell a retransmitted response apart. */
  private readonly received = new Set<string>();

  constructor(
    readonly key: string,
    readonly branch: string,
    /** The request as sent, top Via included (needed to build a CANCEL, §9.1). */
    readonly request: M,
    readonly method: string,
    readonly transport: Transport,
    readonly target: Endpoint,
    private readonly runner: TransactionRunner<ClientEvent<M>, M, string>,
  ) {}

  get state(): string {
    return this.runner.state;
  }

  /** A CANCEL for this INVITE was sent (called by the layer): starts the §9.1 give-up timer. */
  cancelSent(): void {
    this.runner.dispatch({ type: 'cancelSent' });
  }

  /**
   * Whether a response with this status and To tag was received before in this transaction (a
   * retransmission: the peer's server transaction repeats its last response, §17.2.1, §17.2.2; a
   * fork's answer has its own To tag). Records it.
   */
  repeated(status: number, toTag: string | undefined): boolean {
    const key = `${status} ${toTag ?? ''}`;
    if (this.received.has(key)) return true;
    this.received.add(key);
    return false;
  }

  /** Feeds a matched response into the state machine (called by the layer). */
  receive(response: M, status: number): void {
    this.runner.dispatch({ type: 'response', status, message: response });
  }
}

export function deliverClient<M>(
  handlers: ClientTransactionHandlers<M>,
  statusOf: (m: M) => number,
): (n: TuNotification<M>) => void {
  return (n) => {
    switch (n.type) {
      case 'response':
        handlers.onResponse?.(n.message, statusOf(n.message));
        break;
      case 'timeout':
        handlers.onTimeout?.();
        break;
      case 'transportError':
        handlers.onTransportError?.(n.error);
        break;
      case 'request':
        break;
    }
  };
}
