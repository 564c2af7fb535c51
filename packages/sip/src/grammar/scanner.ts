// Linear scanners over latin1 byte strings (RFC 3261 §25.1). Every function moves forward
// only, so parsing is O(n) whatever the input; none uses a regular expression.
import { headerError } from '../sip-parse-error.js';
import { CHAR_CLASS, TOKEN } from './char-classes.js';
import { ParamMap } from './param-map.js';

/** Parameters by lower-cased name; a parameter without value maps to null. Values as written. */
export type Params = ReadonlyMap<string, string | null>;

export const EMPTY_PARAMS: Params = new ParamMap();

export function skipWs(s: string, pos: number, end: number): number {
  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c !== 32 && c !== 9) break;
    pos++;
  }
  return pos;
}

/** Index after the run of token characters starting at `pos`. */
export function scanToken(s: string, pos: number, end: number): number {
  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c > 255 || (CHAR_CLASS[c]! & TOKEN) === 0) break;
    pos++;
  }
  return pos;
}

/** True when the whole string is a non-empty token. */
export function isTokenString(s: string): boolean {
  return s.length > 0 && scanToken(s, 0, s.length) === s.length;
}

/**
 * `pos` is at a DQUOTE: returns the index after the closing DQUOTE, or -1 when the string is
 * unterminated or holds a character that neither qdtext nor quoted-pair allows.
 */
export function scanQuoted(s: string, pos: number, end: number): number {
  let i = pos + 1;
  while (i < end) {
    const c = s.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c === 92) {
      if (i + 1 >= end) return -1;
      const n = s.charCodeAt(i + 1);
      if (n === 10 || n === 13 || n > 127) return -1;
      i += 2;
      continue;
    }
    if ((c < 32 && c !== 9) || c === 127) return -1;
    i++;
  }
  return -1;
}

/** Content of a quoted-string (with its quotes) with quoted-pairs resolved. */
export function unquote(q: string): string {
  if (q.length < 2 || q.charCodeAt(0) !== 34) return q;
  const inner = q.slice(1, -1);
  if (inner.indexOf('\\') === -1) return inner;
  let out = '';
  for (let i = 0; i < inner.length; i++) {
    const c = inner[i];
    if (c === '\\' && i + 1 < inner.length) {
      out += inner[i + 1];
      i++;
    } else {
      out += c;
    }
  }
  return out;
}

/** Quotes a string as a quoted-string, escaping DQUOTE and backslash. */
export function quote(s: string): string {
  let out = '"';
  for (const c of s) out += c === '"' || c === '\\' ? `\\${c}` : c;
  return `${out}"`;
}

/** End (exclusive) of the first comma-separated element, respecting quotes and <>. */
export function listElementEnd(s: string, pos: number, end: number): number {
  let inQuote = false;
  let inAngle = false;
  for (let i = pos; i < end; i++) {
    const c = s.charCodeAt(i);
    if (inQuote) {
      if (c === 92) i++;
      else if (c === 34) inQuote = false;
    } else if (c === 34) inQuote = true;
    else if (c === 60) inAngle = true;
    else if (c === 62) inAngle = false;
    else if (c === 44 && !inAngle) return i;
  }
  return end;
}

/** The whitespace String.prototype.trim removes, restricted to latin1 (byte strings). */
export function isTrimSpace(c: number): boolean {
  return c === 32 || (c >= 9 && c <= 13) || c === 160;
}

/** Splits a header value at top-level commas (not inside quotes or <>); elements are trimmed. */
export function splitList(s: string): string[] {
  if (s.indexOf(',') === -1) return [s];
  const out: string[] = [];
  let pos = 0;
  for (;;) {
    const e = listElementEnd(s, pos, s.length);
    out.push(s.slice(pos, e).trim());
    if (e >= s.length) return out;
    pos = e + 1;
  }
}

/**
 * Scans an IPv6 reference "[...]" at `pos`; returns the index after "]" or -1 when the text between the
 * brackets is not an IPv6address (RFC 5954 §4.1 / RFC 3986 §3.2.2: eight hex groups, or fewer around one
 * "::", the last two possibly an IPv4 address). RFC 5118 §4.10's `[2001:db8:::192.0.2.1]` fails here.
 */
export function scanIpv6Reference(s: string, pos: number, end: number): number {
  const close = s.indexOf(']', pos + 1);
  if (close < 0 || close >= end || close - pos > 47) return -1;
  return isIpv6Address(s, pos + 1, close) ? close + 1 : -1;
}

/** True when s[start, end) is an IPv6address (RFC 3986 §3.2.2, no zone id). */
export function isIpv6Address(s: string, start = 0, end = s.length): boolean {
  const text = s.slice(start, end);
  const gap = text.indexOf('::');
  if (gap >= 0 && text.indexOf('::', gap + 1) >= 0) return false;
  const head = gap < 0 ? text : text.slice(0, gap);
  const tail = gap < 0 ? '' : text.slice(gap + 2);
  const groups = countGroups(head, gap < 0 || tail === '');
  const tailGroups = tail === '' ? 0 : countGroups(tail, true);
  if (groups < 0 || tailGroups < 0) return false;
  // "::" stands for at least one zero group (RFC 4291 §2.2).
  return gap < 0 ? groups === 8 : groups + tailGroups <= 7;
}

/** Hex groups of "h16:h16:…" (an IPv4 address last counts as two when `last`); -1 when malformed. */
function countGroups(part: string, last: boolean): number {
  if (part === '') return 0;
  const fields = part.split(':');
  let n = 0;
  for (let i = 0; i < fields.length; i++) {
    const f = fields[i] ?? '';
    if (last && i === fields.length - 1 && f.includes('.')) {
      if (!isIpv4Address(f)) return -1;
      n += 2;
    } else if (/^[0-9A-Fa-f]{1,4}$/.test(f)) n += 1;
    else return -1;
  }
  return n;
}

/** IPv4address = 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT "." 1*3DIGIT, each at most 255. */
export function isIpv4Address(s: string): boolean {
  const parts = s.split('.');
  return parts.length === 4 && parts.every((p) => /^[0-9]{1,3}$/.test(p) && Number(p) <= 255);
}

/**
 * Parses `*( SEMI generic-param )` (RFC 3261 §25.1): generic-param = token [ EQUAL gen-value ],
 * gen-value = token / host / quoted-string. Returns the index where parameters stop (after
 * any trailing whitespace); the caller checks what follows.
 */
export function parseParams(
  s: string,
  pos: number,
  end: number,
  header: string,
  into: ParamMap,
  allowColon = false,
): number {
  for (;;) {
    pos = skipWs(s, pos, end);
    if (pos >= end || s.charCodeAt(pos) !== 59) return pos;
    pos = skipWs(s, pos + 1, end);
    const nameStart = pos;
    pos = scanToken(s, pos, end);
    if (pos === nameStart) throw headerError(header, 'empty parameter');
    const nameEnd = pos;
    const afterName = skipWs(s, pos, end);
    let valueStart = 0;
    let valueEnd = -1;
    if (afterName < end && s.charCodeAt(afterName) === 61) {
      valueStart = skipWs(s, afterName + 1, end);
      // Via received/maddr may hold an unbracketed IPv6address (RFC 3261 §20.42), which can
      // start with ':' (e.g. ::1), so a colon may open the value as well as continue it.
      valueEnd =
        allowColon && s.charCodeAt(valueStart) === 58 ? valueStart : scanGenValue(s, valueStart, end, header);
      while (allowColon && valueEnd < end && s.charCodeAt(valueEnd) === 58)
        valueEnd = scanToken(s, valueEnd + 1, end);
      pos = valueEnd;
    }
    into.addSpan(s, nameStart, nameEnd, valueStart, valueEnd);
  }
}

function scanGenValue(s: string, pos: number, end: number, header: string): number {
  const c = s.charCodeAt(pos);
  let e: number;
  if (c === 34) e = scanQuoted(s, pos, end);
  else if (c === 91) e = scanIpv6Reference(s, pos, end);
  else e = scanToken(s, pos, end);
  if (e < 0)
    throw headerError(header, c === 34 ? 'unterminated quoted parameter value' : 'bad IPv6 reference');
  if (e === pos) throw headerError(header, 'empty parameter value');
  return e;
}

/** Parses parameters that must run to the end of the value (s[pos, end), end defaults to s.length). */
export function parseTrailingParams(s: string, pos: number, header: string, end = s.length): Params {
  if (skipWs(s, pos, end) === end) return EMPTY_PARAMS;
  const params = new ParamMap();
  const stop = parseParams(s, pos, end, header, params);
  if (stop !== end) throw headerError(header, `unexpected character '${s[stop]}'`);
  return params;
}

/** Parses 1*DIGIT as a number; -1 when empty or not all digits. Values above 2^53 saturate. */
export function parseDigits(s: string, pos: number, end: number): number {
  if (pos >= end) return -1;
  let n = 0;
  for (let i = pos; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return -1;
    n = n * 10 + (c - 48);
  }
  return n > Number.MAX_SAFE_INTEGER ? Number.MAX_SAFE_INTEGER : n;
}

/** Index after a run of digits. */
export function scanDigits(s: string, pos: number, end: number): number {
  while (pos < end) {
    const c = s.charCodeAt(pos);
    if (c < 48 || c > 57) break;
    pos++;
  }
  return pos;
}
