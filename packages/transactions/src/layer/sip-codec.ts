import { type MessageInfo } from '../matching/message-info.js';

/** The top Via the layer puts on every request it sends (RFC 3261 §18.1.1, RFC 3581 `rport`). */
export interface ViaSpec {
  readonly transport: string;
  readonly host: string;
  readonly port: number;
  readonly branch: string;
  readonly rport: boolean;
}

/**
 * Everything the transaction layer asks of the message library. The default implementation
 * (`sipCodec` in sip-codec-adapter.ts) wraps @switchboard/sip; tests may supply their own.
 * Methods that build messages return new values and never mutate their inputs.
 */
export interface SipCodec<M> {
  /** Parses one whole message; throws (SipParseError) on bad input. */
  parse(data: Buffer): M;
  /** Accepts a message a stream framer already parsed; undefined if it is not of type M. */
  adopt?(parsed: unknown): M | undefined;
  serialize(message: M): Buffer;
  /** Reads the transaction-relevant fields; throws if a mandatory header is missing or bad. */
  info(message: M): MessageInfo;
  /** A copy of `request` with `via` pushed as the new top Via. */
  withVia(request: M, via: ViaSpec): M;
  /** §18.2.1 / RFC 3581 §4: a copy whose top Via carries `received` and/or the `rport` value. */
  withReceived(request: M, received: string | undefined, rport: number | undefined): M;
  /** §8.2.6.2: a response to `request` (To tag added when given and absent). */
  createResponse(request: M, status: number, reason?: string, toTag?: string): M;
  /** §17.1.1.3: the ACK for a non-2xx final response to `invite`. */
  createAck(invite: M, response: M): M;
  /** A 400-class answer for an unparseable request (undefined when it cannot be answered). */
  rejectMalformed?(error: unknown, data: Buffer): M | undefined;
  /**
   * The error for a message over `limit` bytes (for `rejectMalformed`: a 513 when its header
   * section can be answered), read from the header section only.
   */
  tooLarge?(data: Buffer, limit: number): unknown;
}
