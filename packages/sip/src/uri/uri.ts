// URIs of RFC 3261 §19.1 / §25.1 (SIP-URI, SIPS-URI, absoluteURI) and RFC 3966 (tel).
import {
  CHAR_CLASS,
  HNV_UNRESERVED,
  HOST,
  PARAM_UNRESERVED,
  PASSWORD_EXTRA,
  UNRESERVED,
  USER_UNRESERVED,
  isAlpha,
  isDigit,
  isHexDigit,
} from '../grammar/char-classes.js';
import { ParamMap } from '../grammar/param-map.js';
import { EMPTY_PARAMS, parseDigits, scanIpv6Reference, type Params } from '../grammar/scanner.js';
import { SipParseError } from '../sip-parse-error.js';

export interface SipUri {
  readonly kind: 'sip';
  readonly scheme: 'sip' | 'sips';
  /** User part as written (still %-escaped; see unescapeUriPart). */
  readonly user: string | undefined;
  readonly password: string | undefined;
  /** Host as written; an IPv6 reference keeps its brackets. */
  readonly host: string;
  readonly port: number | undefined;
  /** uri-parameters: names %-decoded and lower-cased, values as written. */
  readonly params: Params;
  /** URI headers (`?name=value&...`) as written. */
  readonly headers: ReadonlyArray<readonly [string, string]>;
}

export interface TelUri {
  readonly kind: 'tel';
  readonly scheme: 'tel';
  /** The telephone-subscriber number (global "+..." or local), as written. */
  readonly number: string;
  readonly params: Params;
}

export interface AbsoluteUri {
  readonly kind: 'absolute';
  /** Scheme in lower case. */
  readonly scheme: string;
  /** Everything after "scheme:", as written. */
  readonly rest: string;
}

export type Uri = SipUri | TelUri | AbsoluteUri;

export const EMPTY_HEADERS: ReadonlyArray<readonly [string, string]> = [];
const USER_CHARS = UNRESERVED | USER_UNRESERVED;
const PASSWORD_CHARS = UNRESERVED | PASSWORD_EXTRA;
const PARAM_CHARS = UNRESERVED | PARAM_UNRESERVED;
const HNV_CHARS = UNRESERVED | HNV_UNRESERVED;
// uric = reserved / unreserved / escaped (RFC 2396): reserved = ; / ? : @ & = + $ ,
const URIC_EXTRA = new Set([59, 47, 63, 58, 64, 38, 61, 43, 36, 44]);

class UriError extends SipParseError {}

function fail(context: string, detail: string): UriError {
  return new UriError(`Invalid ${context}: ${detail}`, {
    header: context === 'Request-URI' ? undefined : context,
  });
}

/** Index after the run of chars of `cls` (and %HH escapes) from `pos`; throws on a bad escape. */
function scanClass(s: string, pos: number, end: number, cls: number, context: string): number {
  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c === 37) {
      if (pos + 2 >= end || !isHexDigit(s.charCodeAt(pos + 1)) || !isHexDigit(s.charCodeAt(pos + 2)))
        throw fail(context, 'bad % escape');
      pos += 3;
      continue;
    }
    if (c > 255 || (CHAR_CLASS[c]! & cls) === 0) break;
    pos++;
  }
  return pos;
}

/** Parses a URI occupying exactly s[start, end). `context` names the field in error reasons. */
export function parseUri(s: string, start = 0, end = s.length, context = 'URI'): Uri {
  const colon = schemeEnd(s, start, end);
  if (colon < 0) throw fail(context, 'missing or malformed scheme');
  if (colon - start === 3 && isSip(s, start)) return parseSipUri(s, colon + 1, end, 'sip', context);
  const scheme = s.slice(start, colon).toLowerCase();
  if (scheme === 'sips') return parseSipUri(s, colon + 1, end, 'sips', context);
  if (scheme === 'tel') return parseTelUri(s, colon + 1, end, context);
  return parseAbsoluteUri(s, colon + 1, end, scheme, context);
}

function isSip(s: string, i: number): boolean {
  return (
    (s.charCodeAt(i) | 32) === 115 && (s.charCodeAt(i + 1) | 32) === 105 && (s.charCodeAt(i + 2) | 32) === 112
  );
}

// scheme = ALPHA *( ALPHA / DIGIT / "+" / "-" / "." ) ":"
function schemeEnd(s: string, pos: number, end: number): number {
  if (pos >= end || !isAlpha(s.charCodeAt(pos))) return -1;
  for (let i = pos + 1; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 58) return i;
    if (!isAlpha(c) && !isDigit(c) && c !== 43 && c !== 45 && c !== 46) return -1;
  }
  return -1;
}

function parseSipUri(s: string, pos: number, end: number, scheme: 'sip' | 'sips', context: string): SipUri {
  let user: string | undefined;
  let password: string | undefined;
  // No character after the userinfo may be an unescaped "@", so the first "@" ends it.
  const at = s.indexOf('@', pos);
  if (at >= 0 && at < end) {
    const userEnd = scanClass(s, pos, at, USER_CHARS, context);
    if (userEnd === pos) throw fail(context, 'empty user part');
    user = s.slice(pos, userEnd);
    if (userEnd < at) {
      if (s.charCodeAt(userEnd) !== 58) throw fail(context, `bad character '${s[userEnd]}' in user part`);
      const pwEnd = scanClass(s, userEnd + 1, at, PASSWORD_CHARS, context);
      if (pwEnd !== at) throw fail(context, `bad character '${s[pwEnd]}' in password`);
      password = s.slice(userEnd + 1, at);
    }
    pos = at + 1;
  }
  const hostEnd = scanHost(s, pos, end, context);
  const host = s.slice(pos, hostEnd);
  pos = hostEnd;
  let port: number | undefined;
  if (pos < end && s.charCodeAt(pos) === 58) {
    const portStart = pos + 1;
    pos = portStart;
    while (pos < end && isDigit(s.charCodeAt(pos))) pos++;
    port = pos - portStart > 0 && pos - portStart <= 5 ? parseDigits(s, portStart, pos) : -1;
    if (port < 0 || port > 65535) throw fail(context, 'bad port');
  }
  let params: Params = EMPTY_PARAMS;
  if (pos < end && s.charCodeAt(pos) === 59) {
    const map = new ParamMap();
    pos = parseUriParams(s, pos, end, map, context);
    params = map;
  }
  let headers = EMPTY_HEADERS;
  if (pos < end && s.charCodeAt(pos) === 63) {
    const list: Array<readonly [string, string]> = [];
    pos = parseUriHeaders(s, pos, end, list, context);
    headers = list;
  }
  if (pos !== end) throw fail(context, `unexpected character '${s[pos]}'`);
  return { kind: 'sip', scheme, user, password, host, port, params, headers };
}

/** host = hostname / IPv4address / IPv6reference; returns the index after it. */
export function scanHost(s: string, pos: number, end: number, context: string): number {
  if (pos < end && s.charCodeAt(pos) === 91) {
    const e = scanIpv6Reference(s, pos, end);
    if (e < 0) throw fail(context, 'bad IPv6 reference');
    return e;
  }
  let i = pos;
  let prev = 46; // treat start as after a dot: a label may not start with "-" or "."
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c > 255 || (CHAR_CLASS[c]! & HOST) === 0) break;
    if ((c === 46 || c === 45) && prev === 46) throw fail(context, 'bad host name');
    if (c === 46 && prev === 45) throw fail(context, 'bad host name');
    prev = c;
    i++;
  }
  if (i === pos) throw fail(context, 'missing host');
  return i;
}

function parseUriParams(s: string, pos: number, end: number, into: ParamMap, context: string): number {
  while (pos < end && s.charCodeAt(pos) === 59) {
    const nameStart = pos + 1;
    const nameEnd = scanClass(s, nameStart, end, PARAM_CHARS, context);
    if (nameEnd === nameStart) throw fail(context, 'empty URI parameter');
    pos = nameEnd;
    let valueStart = 0;
    let valueEnd = -1;
    if (pos < end && s.charCodeAt(pos) === 61) {
      valueStart = pos + 1;
      valueEnd = scanClass(s, valueStart, end, PARAM_CHARS, context);
      if (valueEnd === valueStart) throw fail(context, 'empty URI parameter value');
      pos = valueEnd;
    }
    // Names are compared case-insensitively in place; only %-escaped names are decoded now.
    if (!hasPercent(s, nameStart, nameEnd)) into.addSpan(s, nameStart, nameEnd, valueStart, valueEnd);
    else
      into.add(
        unescapeUriPart(s.slice(nameStart, nameEnd)).toLowerCase(),
        valueEnd < 0 ? null : s.slice(valueStart, valueEnd),
      );
  }
  return pos;
}

function parseUriHeaders(
  s: string,
  pos: number,
  end: number,
  into: Array<readonly [string, string]>,
  context: string,
): number {
  do {
    const nameStart = pos + 1;
    const nameEnd = scanClass(s, nameStart, end, HNV_CHARS, context);
    if (nameEnd === nameStart || s.charCodeAt(nameEnd) !== 61 || nameEnd >= end)
      throw fail(context, 'bad URI header');
    const valueEnd = scanClass(s, nameEnd + 1, end, HNV_CHARS, context);
    into.push([s.slice(nameStart, nameEnd), s.slice(nameEnd + 1, valueEnd)]);
    pos = valueEnd;
  } while (pos < end && s.charCodeAt(pos) === 38);
  return pos;
}

// RFC 3966: telephone-subscriber = global-number / local-number, then ;parameters.
function parseTelUri(s: string, pos: number, end: number, context: string): TelUri {
  const start = pos;
  while (pos < end) {
    const c = s.charCodeAt(pos);
    const ok =
      isHexDigit(c) || c === 43 || c === 45 || c === 46 || c === 40 || c === 41 || c === 42 || c === 35;
    if (!ok) break;
    pos++;
  }
  if (pos === start) throw fail(context, 'empty telephone number');
  const number = s.slice(start, pos);
  let params: Params = EMPTY_PARAMS;
  if (pos < end && s.charCodeAt(pos) === 59) {
    const map = new ParamMap();
    pos = parseUriParams(s, pos, end, map, context);
    params = map;
  }
  if (pos !== end) throw fail(context, `unexpected character '${s[pos]}'`);
  return { kind: 'tel', scheme: 'tel', number, params };
}

function parseAbsoluteUri(s: string, pos: number, end: number, scheme: string, context: string): AbsoluteUri {
  if (pos >= end) throw fail(context, 'empty URI after scheme');
  let i = pos;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 37) {
      if (i + 2 >= end || !isHexDigit(s.charCodeAt(i + 1)) || !isHexDigit(s.charCodeAt(i + 2)))
        throw fail(context, 'bad % escape');
      i += 3;
      continue;
    }
    if (c > 255 || ((CHAR_CLASS[c]! & UNRESERVED) === 0 && !URIC_EXTRA.has(c)))
      throw fail(context, `unexpected character '${s[i]}'`);
    i++;
  }
  return { kind: 'absolute', scheme, rest: s.slice(pos, end) };
}

/** Decodes %HH escapes into octets (the result is a latin1 byte string). */
export function unescapeUriPart(s: string): string {
  if (s.indexOf('%') === -1) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 37 && i + 2 < s.length && isHexDigit(s.charCodeAt(i + 1)) && isHexDigit(s.charCodeAt(i + 2))) {
      out += String.fromCharCode(parseInt(s.slice(i + 1, i + 3), 16));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

/** %-escapes every octet of `s` outside the character class `cls`. */
function escapeClass(s: string, cls: number): string {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 256 && (CHAR_CLASS[c]! & cls) !== 0) out += s[i];
    else out += `%${(c & 0xff).toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Escapes a user part for a SIP URI (input is a byte string of unescaped octets). */
export function escapeUser(user: string): string {
  return escapeClass(user, USER_CHARS);
}

function formatUriParams(params: Params): string {
  let out = '';
  for (const [name, value] of params) {
    out += `;${escapeClass(name, PARAM_CHARS)}`;
    if (value !== null) out += `=${value}`;
  }
  return out;
}

/** Serializes a URI (parameter names re-escaped where needed; values and user as stored). */
export function formatUri(uri: Uri): string {
  if (uri.kind === 'absolute') return `${uri.scheme}:${uri.rest}`;
  if (uri.kind === 'tel') return `tel:${uri.number}${formatUriParams(uri.params)}`;
  let out = `${uri.scheme}:`;
  if (uri.user !== undefined) {
    out += uri.user;
    if (uri.password !== undefined) out += `:${uri.password}`;
    out += '@';
  }
  out += uri.host;
  if (uri.port !== undefined) out += `:${uri.port}`;
  out += formatUriParams(uri.params);
  if (uri.headers.length > 0) out += `?${uri.headers.map(([n, v]) => `${n}=${v}`).join('&')}`;
  return out;
}

export interface SipUriInit {
  scheme?: 'sip' | 'sips';
  user?: string;
  password?: string;
  host: string;
  port?: number;
  params?: Record<string, string | null> | Params;
  headers?: ReadonlyArray<readonly [string, string]>;
}

/** Builds a SipUri value (user is taken as already escaped). */
export function sipUri(init: SipUriInit): SipUri {
  const params =
    init.params instanceof Map
      ? init.params
      : new Map(Object.entries(init.params ?? {}) as Array<[string, string | null]>);
  return {
    kind: 'sip',
    scheme: init.scheme ?? 'sip',
    user: init.user,
    password: init.password,
    host: init.host,
    port: init.port,
    params,
    headers: init.headers ?? EMPTY_HEADERS,
  };
}

function hasPercent(s: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) if (s.charCodeAt(i) === 37) return true;
  return false;
}
