// Fast path for the usual From / To / Contact values, `"Name" <uri>;tag=x`, `Name <uri>`,
// `<uri>;expires=60` or `sip:user@host;tag=x`, scanned from the received bytes (see
// grammar/byte-scanners.ts for the contract). Escaped display names, LWS around parameters and
// parameter values with quoted-pairs are left to parseNameAddrAt. Like it, the URI is only delimited here.
import { BAIL, scanParamsBytes, scanPlainQuotedBytes, scanTokenBytes } from '../grammar/byte-scanners.js';
import { ParamMap } from '../grammar/param-map.js';
import { EMPTY_PARAMS, type Params } from '../grammar/scanner.js';
import { NameAddr } from './name-addr.js';

/**
 * The name-addr / addr-spec with parameters filling b[start, end) (`src` is the same text
 * decoded; `start` is past leading whitespace, `end` before trailing whitespace), or undefined
 * when parseNameAddrAt(src, start, end, header) must decide.
 */
export function parseNameAddrBytes(
  b: Uint8Array,
  src: string,
  start: number,
  end: number,
  header: string,
): NameAddr | undefined {
  if (start >= end) return undefined;
  let pos = start;
  let dnStart = -1;
  let dnEnd = -1;
  const c = b[pos];
  if (c === 34) {
    const q = scanPlainQuotedBytes(b, pos, end);
    if (q === BAIL) return undefined;
    dnStart = pos;
    dnEnd = q;
    pos = skipSpaces(b, q, end);
  } else if (c !== 60) {
    const first = scanTokenBytes(b, pos, end);
    if (first === pos) return undefined;
    if (b[first] === 58) return addrSpec(b, src, pos, end, header);
    // display-name = *(token LWS) directly or spaces before "<" (RFC 4475 §3.1.1.6 kept).
    let last = first;
    let p = skipSpaces(b, first, end);
    for (;;) {
      const t = scanTokenBytes(b, p, end);
      if (t === p) break;
      last = t;
      p = skipSpaces(b, t, end);
    }
    dnStart = pos;
    dnEnd = last;
    pos = p;
  }
  if (b[pos] !== 60) return undefined;
  // The URI is only delimited here (parsed on access): a native search beats a byte loop.
  const gt = src.indexOf('>', pos + 1);
  if (gt < 0 || gt >= end || gt === pos + 1) return undefined;
  const first = b[pos + 1];
  const last = b[gt - 1];
  if (first === 32 || first === 9 || last === 32 || last === 9) return undefined;
  const params = trailingParams(b, src, gt + 1, end);
  if (params === undefined) return undefined;
  return NameAddr.fromSpans(src, dnStart, dnEnd, pos + 1, gt, true, params, header, b);
}

// addr-spec without <>: the URI ends at ";" (its parameters are header parameters, RFC 3261 §20.10).
function addrSpec(
  b: Uint8Array,
  src: string,
  pos: number,
  end: number,
  header: string,
): NameAddr | undefined {
  let e = pos;
  while (e < end) {
    const c = b[e];
    if (c === 59) break;
    if (c === 32 || c === 9 || c === 44 || c === 63) return undefined;
    e++;
  }
  const params = trailingParams(b, src, e, end);
  if (params === undefined) return undefined;
  return NameAddr.fromSpans(src, -1, -1, pos, e, false, params, header, b);
}

function trailingParams(b: Uint8Array, src: string, pos: number, end: number): Params | undefined {
  if (pos === end) return EMPTY_PARAMS;
  const map = new ParamMap();
  return scanParamsBytes(b, src, pos, end, map, false) === end ? map : undefined;
}

function skipSpaces(b: Uint8Array, pos: number, end: number): number {
  while (pos < end && (b[pos] === 32 || b[pos] === 9)) pos++;
  return pos;
}
