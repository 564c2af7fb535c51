// Reason (RFC 3326 §2) and Warning (RFC 3261 §20.43).
import { isDigit } from '../grammar/char-classes.js';
import {
  parseTrailingParams,
  scanQuoted,
  scanToken,
  splitList,
  unquote,
  type Params,
} from '../grammar/scanner.js';
import { decodeUtf8 } from '../grammar/text.js';
import { headerError } from '../sip-parse-error.js';
import { scanHost } from '../uri/uri.js';

export interface ReasonValue {
  /** Protocol: "SIP", "Q.850" or an extension token. */
  readonly protocol: string;
  readonly cause: number | undefined;
  /** text parameter, unquoted and UTF-8 decoded. */
  readonly text: string | undefined;
  readonly params: Params;
}

export function parseReason(s: string): ReasonValue[] {
  return splitList(s).map((v) => {
    const e = scanToken(v, 0, v.length);
    if (e === 0) throw headerError('Reason', 'missing protocol');
    const params = parseTrailingParams(v, e, 'Reason');
    const causeRaw = params.get('cause');
    let cause: number | undefined;
    if (causeRaw !== undefined) {
      if (causeRaw === null || !/^\d{1,9}$/.test(causeRaw)) throw headerError('Reason', 'bad cause');
      cause = Number(causeRaw);
    }
    const text = params.get('text');
    return { protocol: v.slice(0, e), cause, text: text ? decodeUtf8(unquote(text)) : undefined, params };
  });
}

export interface WarningValue {
  readonly code: number;
  readonly agent: string;
  readonly text: string;
}

/** warning-value = warn-code SP warn-agent SP warn-text; warn-code = 3DIGIT */
export function parseWarning(s: string): WarningValue[] {
  const H = 'Warning';
  return splitList(s).map((v) => {
    const end = v.length;
    if (end < 4 || !isDigit(v.charCodeAt(0)) || !isDigit(v.charCodeAt(1)) || !isDigit(v.charCodeAt(2)))
      throw headerError(H, 'warn-code must be 3 digits');
    if (v.charCodeAt(3) !== 32) throw headerError(H, 'warn-code must be 3 digits');
    const as = 4;
    let ae = scanToken(v, as, end);
    // warn-agent = hostport / pseudonym; a host may be an IPv6 reference, and a port may follow.
    if (v.charCodeAt(as) === 91) ae = scanHost(v, as, end, H);
    if (v.charCodeAt(ae) === 58) ae = skipDigits(v, ae + 1, end);
    if (ae === as || v.charCodeAt(ae) !== 32) throw headerError(H, 'bad warn-agent');
    const ts = ae + 1;
    const te = v.charCodeAt(ts) === 34 ? scanQuoted(v, ts, end) : -1;
    if (te !== end) throw headerError(H, 'warn-text must be a quoted string');
    return {
      code: Number(v.slice(0, 3)),
      agent: v.slice(as, ae),
      text: decodeUtf8(unquote(v.slice(ts, te))),
    };
  });
}

function skipDigits(s: string, pos: number, end: number): number {
  while (pos < end && isDigit(s.charCodeAt(pos))) pos++;
  return pos;
}
