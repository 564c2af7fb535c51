// Full grammar check of a parsed message (RFC 3261 §25 for the headers a B2BUA uses, plus the
// §8.2 / §16.3 request checks a parser can make). The first problem found becomes a
// SipParseError whose reason names it, ready for a 400 (or 505) reason phrase.
import { isIpv4Address, isIpv6Address, isTokenString, splitList } from '../grammar/scanner.js';
import { parseAuthHeader } from '../headers/auth.js';
import { parseCSeq, parseRAck, parseRSeq } from '../headers/cseq.js';
import { parseDate } from '../headers/date.js';
import { parseEvent, parseReplaces, parseSubscriptionState } from '../headers/event.js';
import type { HeaderField } from '../headers/header-field.js';
import { canonicalHeaderName, HeaderId } from '../headers/header-names.js';
import { parseMediaType } from '../headers/media-type.js';
import { type NameAddrParseOptions, parseNameAddr } from '../headers/name-addr.js';
import { parseReason, parseWarning } from '../headers/reason-warning.js';
import {
  parseCallId,
  parseContentLength,
  parseDeltaSeconds,
  parseInteger,
  parseMaxForwards,
  parseMinSE,
  parseRetryAfter,
  parseSessionExpires,
} from '../headers/scalar-headers.js';
import { parseTokenList } from '../headers/token-list.js';
import { parseVia } from '../headers/via.js';
import { headerError, type PartialMessage, SipParseError } from '../sip-parse-error.js';
import type { SipMessage } from './sip-message.js';
import type { SipRequest } from './sip-request.js';
import type { SipResponse } from './sip-response.js';

export type ValidationResult = { ok: true } | { ok: false; error: SipParseError };

/** Headers that may appear at most once (RFC 3261 §20 and the extension RFCs). */
const SINGLE = new Set<number>([
  HeaderId.From,
  HeaderId.To,
  HeaderId.CallId,
  HeaderId.CSeq,
  HeaderId.MaxForwards,
  HeaderId.ContentLength,
  HeaderId.ContentType,
  HeaderId.Expires,
  HeaderId.MinExpires,
  HeaderId.Date,
  HeaderId.RetryAfter,
  HeaderId.RSeq,
  HeaderId.RAck,
  HeaderId.Event,
  HeaderId.SubscriptionState,
  HeaderId.ReferTo,
  HeaderId.ReferredBy,
  HeaderId.Replaces,
  HeaderId.SessionExpires,
  HeaderId.MinSE,
  HeaderId.Timestamp,
  HeaderId.ReplyTo,
]);

const REQUIRED = [HeaderId.CallId, HeaderId.CSeq, HeaderId.From, HeaderId.To, HeaderId.Via];

/** Checks the whole message; never throws. */
export function validate(message: SipMessage): ValidationResult {
  try {
    assertValid(message);
    return { ok: true };
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    err.partial ??= partialOf(message);
    return { ok: false, error: err };
  }
}

/** Like validate() but throws the SipParseError. */
export function assertValid(message: SipMessage): void {
  if (message.kind === 'request') checkRequestLine(message);
  else checkStatusLine(message);
  checkHeaderCounts(message);
  for (const field of message.headers) checkField(field);
  if (message.kind === 'request') {
    const cseq = message.cseq;
    if (cseq.method !== message.method)
      throw new SipParseError('CSeq method does not match the request method', { header: 'CSeq' });
  }
}

function checkVersion(version: string): void {
  const v = version.toUpperCase();
  if (v === 'SIP/2.0') return;
  const m = /^SIP\/(\d+)\.(\d+)$/.exec(v);
  if (m === null) throw new SipParseError('Malformed SIP-Version');
  throw new SipParseError('Version Not Supported', { status: 505 });
}

function checkRequestLine(req: SipRequest): void {
  if (!isTokenString(req.method)) throw new SipParseError('Malformed method in Request-Line');
  if (req.version === '') throw new SipParseError('Trailing whitespace in Request-Line');
  const uri = req.requestUri;
  const first = uri.charCodeAt(0);
  const last = uri.charCodeAt(uri.length - 1);
  if (uri === '' || first === 32 || last === 32) throw new SipParseError('Extra whitespace in Request-Line');
  if (uri.indexOf(' ') >= 0 || uri.indexOf('\t') >= 0) throw new SipParseError('Whitespace in Request-URI');
  if (first === 60) throw new SipParseError('Request-URI must not be enclosed in <>');
  const parsed = req.uri;
  // RFC 3261 §19.1.1 (table 1): headers and the method parameter are not allowed in a Request-URI.
  if (parsed.kind === 'sip' && parsed.headers.length > 0)
    throw new SipParseError('Request-URI must not contain headers');
  checkVersion(req.version);
}

function checkStatusLine(res: SipResponse): void {
  checkVersion(res.version);
  if (res.status < 100 || res.status > 699) throw new SipParseError('Status-Code out of range');
  const reason = res.rawReason;
  for (let i = 0; i < reason.length; i++) {
    const c = reason.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) throw new SipParseError('Invalid character in Reason-Phrase');
  }
}

/** Lines per known header id of the message being checked (saturating at 2), zeroed after each check. */
const lineCounts = new Uint8Array(Math.max(...Object.values(HeaderId)) + 1);

/**
 * Required headers present, single-value headers not repeated. Counted in a reused table: this
 * runs for every request, and a valid one (nearly all) then allocates nothing here. A failure is
 * described by `headerCountProblem`, which reports the headers in the same order as always.
 */
function checkHeaderCounts(message: SipMessage): void {
  const headers = message.headers;
  let ok = true;
  for (let i = 0; i < headers.length; i++) {
    const id = headers[i]!.id;
    if (id !== 0 && lineCounts[id]! < 2) lineCounts[id]! += 1;
  }
  for (const id of REQUIRED) if (lineCounts[id] === 0) ok = false;
  for (let i = 0; i < headers.length; i++) {
    const id = headers[i]!.id;
    if (lineCounts[id]! > 1 && SINGLE.has(id)) ok = false;
    lineCounts[id] = 0;
  }
  if (!ok) headerCountProblem(headers);
}

function headerCountProblem(headers: readonly HeaderField[]): void {
  const counts = new Map<number, number>();
  for (const h of headers) if (h.id !== 0) counts.set(h.id, (counts.get(h.id) ?? 0) + 1);
  const absent = REQUIRED.filter((id) => !counts.has(id)).map(canonicalHeaderName);
  if (absent.length > 0) {
    throw new SipParseError(`Missing required header${absent.length > 1 ? 's' : ''}: ${absent.join(', ')}`, {
      header: absent[0],
    });
  }
  const repeated = [...counts]
    .filter(([id, n]) => n > 1 && SINGLE.has(id))
    .map(([id]) => canonicalHeaderName(id));
  if (repeated.length > 0) {
    throw new SipParseError(
      `Repeated single-value header${repeated.length > 1 ? 's' : ''}: ${repeated.join(', ')}`,
      {
        header: repeated[0],
      },
    );
  }
}

/** Checks one header line against its grammar. */
export function checkField(field: HeaderField): void {
  if (!isTokenString(field.name)) throw new SipParseError('Malformed header name');
  const v = field.value;
  const name = field.id === 0 ? field.name : canonicalHeaderName(field.id);
  if (field.id === 0 || !checkKnown(field.id, name, v)) checkText(name, v);
}

const ADDRESS_LISTS: Partial<Record<number, NameAddrParseOptions>> = {
  [HeaderId.Route]: { requireBrackets: true },
  [HeaderId.RecordRoute]: { requireBrackets: true },
  [HeaderId.Diversion]: { requireBrackets: true },
  [HeaderId.HistoryInfo]: { requireBrackets: true },
  [HeaderId.PAssertedIdentity]: { noParams: true },
  [HeaderId.PPreferredIdentity]: { noParams: true },
};

function addresses(name: string, v: string, list: boolean, options?: NameAddrParseOptions): void {
  for (const one of list ? splitList(v) : [v]) {
    if (one === '') throw headerError(name, 'empty list element');
    void parseNameAddr(one, name, options).uri;
  }
}

/** Returns false for headers without a specific grammar here (checked as TEXT). */
function checkKnown(id: number, name: string, v: string): boolean {
  switch (id) {
    case HeaderId.Via:
      for (const one of splitList(v)) {
        if (one === '') throw headerError(name, 'empty list element');
        const via = parseVia(one);
        checkReceived(via.received);
        void via.rport;
        void via.ttl;
      }
      return true;
    case HeaderId.From:
    case HeaderId.To:
    case HeaderId.ReferTo:
    case HeaderId.ReferredBy:
    case HeaderId.ReplyTo:
      addresses(name, v, false);
      return true;
    case HeaderId.Contact:
      checkContact(v);
      return true;
    case HeaderId.Route:
    case HeaderId.RecordRoute:
    case HeaderId.Diversion:
    case HeaderId.HistoryInfo:
    case HeaderId.PAssertedIdentity:
    case HeaderId.PPreferredIdentity:
      addresses(name, v, true, ADDRESS_LISTS[id]);
      return true;
    default:
      return checkScalar(id, name, v);
  }
}

function checkScalar(id: number, name: string, v: string): boolean {
  switch (id) {
    case HeaderId.CallId:
      return ok(parseCallId(v));
    case HeaderId.CSeq:
      return ok(parseCSeq(v));
    case HeaderId.MaxForwards:
      return ok(parseMaxForwards(v));
    case HeaderId.ContentLength:
      return ok(parseContentLength(v));
    case HeaderId.Expires:
    case HeaderId.MinExpires:
      return ok(parseDeltaSeconds(v, name));
    case HeaderId.ContentType:
      return ok(parseMediaType(v));
    case HeaderId.Accept:
      for (const one of v.trim() === '' ? [] : splitList(v)) parseMediaType(one, name);
      return true;
    case HeaderId.Authorization:
    case HeaderId.ProxyAuthorization:
    case HeaderId.WwwAuthenticate:
    case HeaderId.ProxyAuthenticate:
      return ok(parseAuthHeader(v, name));
    case HeaderId.Allow:
    case HeaderId.Supported:
    case HeaderId.AllowEvents:
    case HeaderId.ContentEncoding:
      return ok(parseTokenList(v, name, id !== HeaderId.ContentEncoding));
    case HeaderId.Require:
    case HeaderId.ProxyRequire:
    case HeaderId.Unsupported:
      return ok(parseTokenList(v, name, false));
    default:
      return checkExtension(id, name, v);
  }
}

function checkExtension(id: number, name: string, v: string): boolean {
  switch (id) {
    case HeaderId.Event:
      return ok(parseEvent(v));
    case HeaderId.SubscriptionState:
      return ok(parseSubscriptionState(v));
    case HeaderId.Replaces:
      return ok(parseReplaces(v));
    case HeaderId.SessionExpires:
      return ok(parseSessionExpires(v));
    case HeaderId.MinSE:
      return ok(parseMinSE(v));
    case HeaderId.RSeq:
      return ok(parseRSeq(v));
    case HeaderId.RAck:
      return ok(parseRAck(v));
    case HeaderId.Reason:
      return ok(parseReason(v));
    case HeaderId.Warning:
      return ok(parseWarning(v));
    case HeaderId.Date:
      return ok(parseDate(v));
    case HeaderId.RetryAfter:
      return ok(parseRetryAfter(v));
    case HeaderId.Timestamp:
      return ok(parseInteger(v.split(/[ .\t]/)[0] ?? '', name));
    default:
      return false;
  }
}

function ok(_parsed: unknown): true {
  return true;
}

function checkContact(v: string): void {
  if (v.trim() === '*') return;
  for (const one of splitList(v)) {
    if (one === '') throw headerError('Contact', 'empty list element');
    if (one === '*') throw headerError('Contact', '"*" mixed with addresses');
    const c = parseNameAddr(one, 'Contact');
    void c.uri;
    void c.expires;
    void c.q;
  }
}

// received = IPv4address / IPv6address (RFC 3261 §20.42, RFC 5954 §4.1 for the IPv6 grammar)
function checkReceived(received: string | undefined): void {
  if (received === undefined) return;
  const valid = received.indexOf(':') >= 0 ? isIpv6Address(received) : isIpv4Address(received);
  if (!valid) throw headerError('Via', 'received is not an IP address');
}

// Unknown headers: header-value = *(TEXT-UTF8char / UTF8-CONT / LWS): no control characters.
function checkText(name: string, v: string): void {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if ((c < 32 && c !== 9) || c === 127) throw headerError(name, 'control character in value');
  }
}

function partialOf(message: SipMessage): PartialMessage {
  const partial: PartialMessage = {
    kind: message.kind,
    via: message.getHeaders('Via'),
    from: message.getHeader('From'),
    to: message.getHeader('To'),
    callId: message.getHeader('Call-ID'),
    cseq: message.getHeader('CSeq'),
  };
  if (message.kind === 'request') {
    partial.method = message.method;
    partial.requestUri = message.requestUri;
  }
  return partial;
}
