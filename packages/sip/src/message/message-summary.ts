// A plain-JSON view of a message (used by the sip-parse CLI and handy in logs and tests).
import { decodeUtf8 } from '../grammar/text.js';
import { SipParseError } from '../sip-parse-error.js';
import { parseMessage, type ParseOptions } from './message-parser.js';
import { assertValid, validate } from './message-validator.js';
import type { SipMessage } from './sip-message.js';

/** Parses and validates in one step; throws SipParseError from either stage. */
export function parseValidated(data: Buffer, options?: ParseOptions): SipMessage {
  const message = parseMessage(data, options);
  const result = validate(message);
  if (!result.ok) throw result.error;
  return message;
}

export interface AddressSummary {
  uri: string;
  tag: string | null;
  displayName: string | null;
}

export interface MessageSummary {
  valid: boolean;
  error: string | null;
  kind: 'request' | 'response' | null;
  method: string | null;
  requestUri: string | null;
  status: number | null;
  reason: string | null;
  callId: string | null;
  cseq: { seq: number; method: string } | null;
  from: AddressSummary | null;
  to: AddressSummary | null;
  via: Array<{
    transport: string;
    host: string;
    port: number | null;
    branch: string | null;
    received: string | null;
    rport: number | true | null;
  }>;
  contacts: Array<{ uri: string; expires: number | null; q: number | null }> | '*';
  maxForwards: number | null;
  contentLength: number | null;
  contentType: string | null;
  bodyLength: number | null;
}

function attempt<T>(read: () => T): T | null {
  try {
    return read();
  } catch (err) {
    if (err instanceof SipParseError) return null;
    throw err;
  }
}

/** Summarizes raw bytes: parses and validates, then reads what is readable. */
export function summarizeMessage(data: Buffer, options?: ParseOptions): MessageSummary {
  let message: SipMessage;
  try {
    message = parseMessage(data, options);
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    return { ...emptySummary(), error: err.reason };
  }
  let error: string | null = null;
  try {
    assertValid(message);
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    error = err.reason;
  }
  return describe(message, error);
}

function emptySummary(): MessageSummary {
  return {
    valid: false,
    error: null,
    kind: null,
    method: null,
    requestUri: null,
    status: null,
    reason: null,
    callId: null,
    cseq: null,
    from: null,
    to: null,
    via: [],
    contacts: [],
    maxForwards: null,
    contentLength: null,
    contentType: null,
    bodyLength: null,
  };
}

function describe(m: SipMessage, error: string | null): MessageSummary {
  const address = (read: () => SipMessage['from']): AddressSummary | null =>
    attempt(() => {
      const a = read();
      return { uri: a.uriText, tag: a.tag ?? null, displayName: a.displayName ?? null };
    });
  const contacts = attempt(() => {
    const c = m.contacts;
    if (c === '*') return '*' as const;
    return c.map((x) => ({ uri: x.uriText, expires: x.expires ?? null, q: x.q ?? null }));
  });
  return {
    valid: error === null,
    error,
    kind: m.kind,
    method: m.kind === 'request' ? m.method : null,
    requestUri: m.kind === 'request' ? m.requestUri : null,
    status: m.kind === 'response' ? m.status : null,
    reason: m.kind === 'response' ? decodeUtf8(m.rawReason) : null,
    callId: attempt(() => m.callId),
    cseq: attempt(() => ({ seq: m.cseq.seq, method: m.cseq.method })),
    from: address(() => m.from),
    to: address(() => m.to),
    via:
      attempt(() =>
        m.via.map((v) => ({
          transport: v.transport,
          host: v.host,
          port: v.port ?? null,
          branch: v.branch ?? null,
          received: v.received ?? null,
          rport: v.rport === null ? (true as const) : (v.rport ?? null),
        })),
      ) ?? [],
    contacts: contacts ?? [],
    maxForwards: attempt(() => m.maxForwards ?? null),
    contentLength: attempt(() => m.contentLength ?? null),
    contentType: attempt(() => m.contentType?.mediaType ?? null),
    bodyLength: m.body.length,
  };
}
