// CSeq (RFC 3261 §20.16), RSeq / RAck (RFC 3262 §7).
import { isTokenString, parseDigits, scanDigits, scanToken, skipWs } from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';

export interface CSeq {
  readonly seq: number;
  readonly method: string;
}

export interface RAck {
  readonly rseq: number;
  readonly cseq: number;
  readonly method: string;
}

/** RFC 3261 §8.1.1.5: the sequence number must fit a 32-bit unsigned integer. */
export const MAX_SEQ = 0xffffffff;

function seqNumber(s: string, pos: number, header: string, what: string): [number, number] {
  const start = skipWs(s, pos, s.length);
  const e = scanDigits(s, start, s.length);
  if (e === start) throw headerError(header, `missing ${what}`);
  const n = e - start > 10 ? MAX_SEQ + 1 : parseDigits(s, start, e);
  if (n > MAX_SEQ) throw headerError(header, `${what} out of range`);
  return [n, e];
}

function method(s: string, pos: number, header: string): string {
  const start = skipWs(s, pos, s.length);
  if (start === pos) throw headerError(header, 'expected whitespace before method');
  const e = scanToken(s, start, s.length);
  if (e === start || skipWs(s, e, s.length) !== s.length) throw headerError(header, 'bad method');
  return s.slice(start, e);
}

/** CSeq = 1*DIGIT LWS Method */
export function parseCSeq(s: string): CSeq {
  return parseCSeqAt(s, 0, s.length);
}

/** CSeq occupying s[start, end). */
export function parseCSeqAt(s: string, start: number, end: number): CSeq {
  // Fast path for the usual "digits SP method" (no leading space, at most 10 digits); the
  // general scanner handles everything else with the same checks.
  let seq = 0;
  let i = start;
  for (; i < end && i - start < 11; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) break;
    seq = seq * 10 + c - 48;
  }
  if (i > start && i - start <= 10 && seq <= MAX_SEQ && i < end && s.charCodeAt(i) === 32) {
    const m = i + 1;
    const e = scanToken(s, m, end);
    if (e === end && e > m) return { seq, method: s.slice(m, e) };
  }
  const v = start === 0 && end === s.length ? s : s.slice(start, end);
  const [seq2, e] = seqNumber(v, 0, 'CSeq', 'sequence number');
  return { seq: seq2, method: method(v, e, 'CSeq') };
}

/** RAck = response-num LWS CSeq-num LWS Method */
export function parseRAck(s: string): RAck {
  const [rseq, e1] = seqNumber(s, 0, 'RAck', 'response number');
  if (skipWs(s, e1, s.length) === e1) throw headerError('RAck', 'expected whitespace');
  const [cseq, e2] = seqNumber(s, e1, 'RAck', 'CSeq number');
  return { rseq, cseq, method: method(s, e2, 'RAck') };
}

/** RSeq = 1*DIGIT (1 .. 2^32-1) */
export function parseRSeq(s: string): number {
  const [n, e] = seqNumber(s, 0, 'RSeq', 'response number');
  if (skipWs(s, e, s.length) !== s.length) throw headerError('RSeq', 'unexpected characters');
  return n;
}

export function isMethod(s: string): boolean {
  return isTokenString(s);
}
