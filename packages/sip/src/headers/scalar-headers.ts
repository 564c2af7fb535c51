// Single-value numeric and word headers (RFC 3261 §20.8, §20.14, §20.19, §20.22, §20.33;
// RFC 4028 Session-Expires / Min-SE).
import { CHAR_CLASS, WORD } from '../grammar/char-classes.js';
import { parseDigits, parseTrailingParams, scanDigits, skipWs, type Params } from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';

/** Largest delta-seconds kept; larger values are clamped (RFC 3261 §20.19, RFC 4475 §3.1.2.4). */
export const MAX_DELTA_SECONDS = 0xffffffff;

function digitsOnly(s: string, header: string): number {
  const start = skipWs(s, 0, s.length);
  const e = scanDigits(s, start, s.length);
  if (e === start || skipWs(s, e, s.length) !== s.length) throw headerError(header, 'expected digits');
  return parseDigits(s, start, e);
}

/** delta-seconds, clamped to 2^32-1 */
export function parseDeltaSeconds(s: string, header: string): number {
  return Math.min(digitsOnly(s, header), MAX_DELTA_SECONDS);
}

/** Max-Forwards = 1*DIGIT, 0..255 (RFC 3261 §20.22 / §8.1.1.6) */
export function parseMaxForwards(s: string): number {
  const n = digitsOnly(s, 'Max-Forwards');
  if (n > 255) throw headerError('Max-Forwards', 'value out of range');
  return n;
}

/** Content-Length = 1*DIGIT */
export function parseContentLength(s: string): number {
  return digitsOnly(s, 'Content-Length');
}

/** Plain non-negative integer headers (Timestamp's first number, Min-Expires). */
export function parseInteger(s: string, header: string): number {
  return digitsOnly(s, header);
}

/** Call-ID = word [ "@" word ] */
export function parseCallId(s: string): string {
  const at = s.indexOf('@');
  const end = s.length;
  if (end === 0) throw headerError('Call-ID', 'empty value');
  for (let i = 0; i < end; i++) {
    const c = s.charCodeAt(i);
    if (i === at) {
      if (i === 0 || i === end - 1) throw headerError('Call-ID', "empty word around '@'");
      continue;
    }
    if (c > 255 || (CHAR_CLASS[c]! & WORD) === 0) throw headerError('Call-ID', `bad character '${s[i]}'`);
  }
  return s;
}

export interface DeltaWithParams {
  readonly seconds: number;
  readonly params: Params;
}

function deltaWithParams(s: string, header: string): DeltaWithParams {
  const start = skipWs(s, 0, s.length);
  const e = scanDigits(s, start, s.length);
  if (e === start) throw headerError(header, 'expected delta-seconds');
  return {
    seconds: Math.min(parseDigits(s, start, e), MAX_DELTA_SECONDS),
    params: parseTrailingParams(s, e, header),
  };
}

export interface SessionExpires extends DeltaWithParams {
  readonly refresher: 'uac' | 'uas' | undefined;
}

/** Session-Expires = delta-seconds *(SEMI se-params) (RFC 4028 §4) */
export function parseSessionExpires(s: string): SessionExpires {
  const d = deltaWithParams(s, 'Session-Expires');
  const r = d.params.get('refresher');
  if (r !== undefined && r !== 'uac' && r !== 'uas') throw headerError('Session-Expires', 'bad refresher');
  return { ...d, refresher: r ?? undefined };
}

/** Min-SE = delta-seconds *(SEMI generic-param) (RFC 4028 §5) */
export function parseMinSE(s: string): DeltaWithParams {
  return deltaWithParams(s, 'Min-SE');
}

export interface RetryAfter extends DeltaWithParams {
  readonly comment: string | undefined;
  readonly duration: number | undefined;
}

/** Retry-After = delta-seconds [ comment ] *( SEMI retry-param ) (RFC 3261 §20.33) */
export function parseRetryAfter(s: string): RetryAfter {
  const H = 'Retry-After';
  const start = skipWs(s, 0, s.length);
  const e = scanDigits(s, start, s.length);
  if (e === start) throw headerError(H, 'expected delta-seconds');
  let pos = skipWs(s, e, s.length);
  let comment: string | undefined;
  if (s.charCodeAt(pos) === 40) {
    const ce = scanComment(s, pos, s.length);
    if (ce < 0) throw headerError(H, 'unbalanced comment');
    comment = s.slice(pos + 1, ce - 1);
    pos = ce;
  }
  const params = parseTrailingParams(s, pos, H);
  const dRaw = params.get('duration');
  let duration: number | undefined;
  if (dRaw !== undefined) {
    if (dRaw === null) throw headerError(H, 'bad duration');
    duration = parseDeltaSeconds(dRaw, H);
  }
  return { seconds: Math.min(parseDigits(s, start, e), MAX_DELTA_SECONDS), params, comment, duration };
}

/**
 * comment = LPAREN *(ctext / quoted-pair / comment) RPAREN. Nesting is tracked with a depth
 * counter (no recursion), so deep nesting costs linear time and no stack.
 */
export function scanComment(s: string, pos: number, end: number): number {
  let depth = 0;
  for (let i = pos; i < end; i++) {
    const c = s.charCodeAt(i);
    if (c === 92) i++;
    else if (c === 40) depth++;
    else if (c === 41) {
      depth--;
      if (depth === 0) return i + 1;
    } else if ((c < 32 && c !== 9) || c === 127) return -1;
  }
  return -1;
}
