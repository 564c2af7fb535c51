import { generateTag } from '@switchboard/sip';
import { type ServerEvent } from '../transaction/effects.js';
import { type TransactionRunner } from '../transaction/transaction-runner.js';
import { type Endpoint, type Transport } from '../transport/transport.js';
import { type SipCodec } from './sip-codec.js';

/** Where a request came from: enough to answer it per §18.2.2. */
export interface RequestSource {
  readonly transport: Transport;
  readonly source: Endpoint;
  readonly flowId: string | undefined;
}

/** The TU's handle on a server transaction: it answers through `respond`/`reply`. */
export class ServerTransaction<M> {
  /** The To tag used in this transaction's responses (RFC 2543 ACK matching needs it). */
  toTag: string | undefined;

  constructor(
    readonly key: string,
    /** The request with received/rport stamped into its top Via. */
    readonly request: M,
    readonly method: string,
    readonly origin: RequestSource,
    private readonly runner: TransactionRunner<ServerEvent<M>, M, string>,
    private readonly codec: SipCodec<M>,
  ) {}

  get state(): string {
    return this.runner.state;
  }

  get terminated(): boolean {
    return this.runner.terminated;
  }

  /** Sends a response built by the TU (its CSeq/Via/Call-ID must be the request's). */
  respond(response: M): void {
    const info = this.codec.info(response);
    if (info.status === undefined) throw new TypeError('respond() needs a response, got a request');
    this.toTag ??= info.toTag;
    this.runner.dispatch({ type: 'respond', status: info.status, message: response });
  }

  /** Builds and sends a response to the request (§8.2.6); returns it. */
  reply(status: number, reason?: string, toTag?: string): M {
    // 100 carries no tag (§8.2.6.2); every other response of the transaction shares one.
    const tag = status === 100 ? undefined : (toTag ?? (this.toTag ??= generateTag()));
    const response = this.codec.createResponse(this.request, status, reason, tag);
    this.respond(response);
    return response;
  }

  /** Feeds a matched retransmission or ACK into the state machine (called by the layer). */
  receive(request: M, isAck: boolean): void {
    this.runner.dispatch({ type: 'request', isAck, message: request });
  }
}
