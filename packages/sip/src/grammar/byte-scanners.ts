// Fast paths over the received bytes for the common shapes of the hot headers (top Via, From,
// To, Contact, their SIP URIs). The decoded header text is latin1, one char per octet, so an
// offset into it is the same offset into the datagram, and reading a byte from the Buffer is
// several times cheaper in V8 than String#charCodeAt on a string of unknown representation.
//
// Contract of every fast path: for an input it accepts it returns exactly what the general
// string parser returns; for anything else (escapes, quoted-pairs, whitespace where the grammar
// allows LWS, IPv6, errors) it returns BAIL and the caller runs the general parser,
// which also names the error. The fast paths never throw.
import { CHAR_CLASS, HOST, TOKEN } from './char-classes.js';
import type { ParamMap } from './param-map.js';

/** Returned by a fast path that does not handle its input. */
export const BAIL = -1;

/** Index after the run of token characters (RFC 3261 §25.1 token) from `pos`. */
export function scanTokenBytes(b: Uint8Array, pos: number, end: number): number {
  while (pos < end && (CHAR_CLASS[b[pos]!]! & TOKEN) !== 0) pos++;
  return pos;
}

/**
 * A hostname or IPv4 address (RFC 3261 §25.1) from `pos`, with the label rules of the general
 * scanHost (no label starting with "-" or ".", no "-." ); BAIL for an IPv6 reference, an empty
 * host or a rule the general scanner reports as an error.
 */
function scanHostBytes(b: Uint8Array, pos: number, end: number): number {
  let i = pos;
  let prev = 46;
  while (i < end) {
    const c = b[i]!;
    if ((CHAR_CLASS[c]! & HOST) === 0) break;
    if (c === 46 || c === 45) {
      if (prev === 46 || (c === 46 && prev === 45)) return BAIL;
    }
    prev = c;
    i++;
  }
  return i === pos ? BAIL : i;
}

/** Where scanHostPortBytes puts its result (read at once by the caller: no object per call). */
export const HOST_PORT: { hostEnd: number; port: number | undefined; end: number } = {
  hostEnd: 0,
  port: undefined,
  end: 0,
};

/**
 * hostport = host [ ":" port ] (RFC 3261 §25.1) from `pos` into HOST_PORT: the host as
 * scanHostBytes takes it, the port as 1 to 5 digits up to 65535. False (bail) otherwise.
 */
export function scanHostPortBytes(b: Uint8Array, pos: number, end: number): boolean {
  const hostEnd = scanHostBytes(b, pos, end);
  if (hostEnd === BAIL) return false;
  HOST_PORT.hostEnd = hostEnd;
  HOST_PORT.port = undefined;
  HOST_PORT.end = hostEnd;
  if (hostEnd >= end || b[hostEnd] !== 58) return true;
  let n = 0;
  let i = hostEnd + 1;
  while (i < end) {
    const c = b[i]!;
    if (c < 48 || c > 57) break;
    n = n * 10 + c - 48;
    i++;
  }
  const digits = i - hostEnd - 1;
  if (digits === 0 || digits > 5 || n > 65535) return false;
  HOST_PORT.port = n;
  HOST_PORT.end = i;
  return true;
}

/**
 * A quoted-string from the `"` at `pos` without quoted-pairs and with only the characters
 * scanQuoted accepts: the index after the closing quote, else BAIL.
 */
export function scanPlainQuotedBytes(b: Uint8Array, pos: number, end: number): number {
  for (let i = pos + 1; i < end; i++) {
    const c = b[i]!;
    if (c === 34) return i + 1;
    if (c === 92 || (c < 32 && c !== 9) || c === 127) return BAIL;
  }
  return BAIL;
}

/**
 * `*( ";" token [ "=" ( token / plain quoted-string ) ] )` with no whitespace or IPv6 values,
 * recorded into `into` as spans of `src` (same offsets as `b`). Stops at `end` or, when `stopAtComma`, at a comma
 * (the end of a list element); returns the stop index, or BAIL at anything else.
 */
export function scanParamsBytes(
  b: Uint8Array,
  src: string,
  pos: number,
  end: number,
  into: ParamMap,
  stopAtComma: boolean,
): number {
  while (pos < end) {
    const c = b[pos]!;
    if (c !== 59) return c === 44 && stopAtComma ? pos : BAIL;
    const nameStart = pos + 1;
    const nameEnd = scanTokenBytes(b, nameStart, end);
    if (nameEnd === nameStart) return BAIL;
    let valueStart = 0;
    let valueEnd = -1;
    pos = nameEnd;
    if (pos < end && b[pos] === 61) {
      valueStart = pos + 1;
      // gen-value = token / host / quoted-string (kept with its quotes, as parseParams keeps it)
      valueEnd =
        valueStart < end && b[valueStart] === 34
          ? scanPlainQuotedBytes(b, valueStart, end)
          : scanTokenBytes(b, valueStart, end);
      if (valueEnd === valueStart || valueEnd === BAIL) return BAIL;
      pos = valueEnd;
    }
    into.addSpan(src, nameStart, nameEnd, valueStart, valueEnd);
  }
  return pos;
}
