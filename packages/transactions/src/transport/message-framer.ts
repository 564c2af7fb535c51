/** One whole message cut from a stream; `parsed` spares the layer a second parse. */
export interface FramedMessage {
  readonly data: Buffer;
  readonly parsed?: unknown;
}

/** Splits a byte stream into whole SIP messages (backed by @switchboard/sip's StreamFramer). */
export interface MessageFramer {
  push(chunk: Buffer): FramedMessage[];
  /** Bytes held for an incomplete message; used for the per-connection buffer cap. */
  readonly buffered: number;
  /**
   * The bytes to send before closing when `push` threw (e.g. a SIP 400 naming the bad header),
   * or undefined when nothing can be answered.
   */
  rejection?(error: unknown): Buffer | undefined;
}

export type FramerFactory = () => MessageFramer;
