/** The top Via fields matching and response routing need (RFC 3261 §18.2.2, RFC 3581). */
export interface ViaInfo {
  /** Via transport token, upper-case: UDP, TCP, TLS, WS, WSS. */
  readonly transport: string;
  readonly host: string;
  readonly port: number | undefined;
  readonly branch: string | undefined;
  /** `received` parameter, if present. */
  readonly received: string | undefined;
  /** `rport` present: undefined if absent, null if present without value, else the value. */
  readonly rport: number | null | undefined;
  readonly maddr: string | undefined;
}

/**
 * What the transaction layer reads from a message, independent of the parser's model:
 * the adapter over @switchboard/sip fills it once per message.
 */
export interface MessageInfo {
  readonly isRequest: boolean;
  /** Request method, or undefined for responses. */
  readonly method: string | undefined;
  readonly status: number | undefined;
  readonly requestUri: string | undefined;
  readonly callId: string;
  readonly cseqNumber: number;
  readonly cseqMethod: string;
  readonly fromTag: string | undefined;
  readonly toTag: string | undefined;
  readonly via: ViaInfo;
  /** The raw top Via value, compared as a whole by the RFC 2543 fallback. */
  readonly viaRaw: string;
}
