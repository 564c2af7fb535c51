/** What could still be read from a message that failed to parse or validate (raw byte-string values). */
export interface PartialMessage {
  kind?: 'request' | 'response';
  method?: string;
  requestUri?: string;
  /** Every Via header line value, in order. */
  via: string[];
  from?: string;
  to?: string;
  callId?: string;
  cseq?: string;
}

export interface SipParseErrorInit {
  /** Suggested response status for a request: 400, 505 (version), 513 (too large). */
  status?: number;
  /** Header whose value is at fault (canonical name), if any. */
  header?: string;
  partial?: PartialMessage;
}

/**
 * The only error type the parser, the typed accessors and the validator throw for bad input.
 * `reason` is short printable ASCII, usable as a 400 reason phrase (RFC 3261 §21.4.1).
 */
export class SipParseError extends Error {
  readonly reason: string;
  readonly status: number;
  readonly header: string | undefined;
  partial: PartialMessage | undefined;

  constructor(reason: string, init: SipParseErrorInit = {}) {
    super(reason);
    this.name = 'SipParseError';
    this.reason = sanitizeReason(reason);
    this.status = init.status ?? 400;
    this.header = init.header;
    this.partial = init.partial;
  }
}

/** Throws a SipParseError about a header value. */
export function headerError(header: string, detail: string): SipParseError {
  return new SipParseError(`Invalid ${header} header: ${detail}`, { header });
}

// A reason phrase must not carry CR/LF or other controls; keep it to printable ASCII.
function sanitizeReason(reason: string): string {
  let out = '';
  for (let i = 0; i < reason.length && out.length < 200; i++) {
    const c = reason.charCodeAt(i);
    out += c >= 32 && c < 127 ? reason[i] : '?';
  }
  return out;
}
