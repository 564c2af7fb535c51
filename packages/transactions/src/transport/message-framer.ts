/** Splits a byte stream into whole SIP messages (backed by @switchboard/sip's StreamFramer). */
export interface MessageFramer {
  push(chunk: Buffer): Buffer[];
  /** Bytes held for an incomplete message; used for the per-connection buffer cap. */
  readonly buffered: number;
}

export type FramerFactory = () => MessageFramer;
