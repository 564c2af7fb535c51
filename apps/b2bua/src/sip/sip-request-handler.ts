import type { SipMessage, SipRequest, SipResponse } from '@switchboard/sip';
import type { ServerTransaction, TransportProtocol } from '@switchboard/transactions';

/** Where a request really came from (after NAT): responses and later requests go here. */
export interface RequestOrigin {
  readonly protocol: TransportProtocol;
  readonly host: string;
  readonly port: number;
  /** The stream connection it arrived on (TCP/TLS/WS), valid inside this process only. */
  readonly flowId: string | undefined;
}

/** A request that passed the stack's checks (valid, Max-Forwards, Require, a handler exists). */
export interface IncomingSipRequest {
  readonly request: SipRequest;
  /** Answer through `tx.reply(status, reason)` or `tx.respond(createResponse(...))`. */
  readonly tx: ServerTransaction<SipMessage>;
  readonly origin: RequestOrigin;
  /** For CANCEL: the INVITE server transaction it cancels (RFC 3261 §9.2). */
  readonly cancelTarget?: ServerTransaction<SipMessage>;
}

/**
 * What call control, the registrar and OPTIONS implement. A handler owns the final response;
 * if it throws (or its promise rejects) before answering, the stack answers 500.
 */
export interface SipRequestHandler {
  handle(incoming: IncomingSipRequest): void | Promise<void>;
  /**
   * A new request that passed the stack's checks, before any transaction exists: return true to
   * answer it statelessly through `send` (RFC 3261 §8.2.7; a digest challenge, so a flood of
   * unauthenticated requests costs no transaction state), false to get it through `handle`.
   * Synchronous and cheap: it sees every new request of the method.
   */
  screen?(
    request: SipRequest,
    origin: RequestOrigin,
    send: (response: SipResponse) => Promise<void>,
  ): boolean;
}

export interface SipHandlerOptions {
  /**
   * The request ends here (REGISTER, OPTIONS to us) rather than being relayed to another leg:
   * such requests are served even with Max-Forwards: 0 (RFC 3261 §16.3 step 3 only limits
   * forwarding). Default false: Max-Forwards 0 gets 483 before the handler sees it.
   */
  readonly local?: boolean;
}
