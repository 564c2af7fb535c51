// Fast path for the usual SIP URI, `sip:user@host:port;param=value;flag`, scanned from the
// received bytes (see grammar/byte-scanners.ts for the contract). %-escapes, passwords, IPv6
// references and URI headers are left to parseUri.
import { BAIL, HOST_PORT, scanHostPortBytes } from '../grammar/byte-scanners.js';
import { CHAR_CLASS, PARAM_UNRESERVED, UNRESERVED, USER_UNRESERVED } from '../grammar/char-classes.js';
import { ParamMap } from '../grammar/param-map.js';
import { EMPTY_PARAMS, type Params } from '../grammar/scanner.js';
import { EMPTY_HEADERS, type SipUri } from './uri.js';

const USER_CHARS = UNRESERVED | USER_UNRESERVED;
const PARAM_CHARS = UNRESERVED | PARAM_UNRESERVED;

/** The sip: / sips: URI filling b[start, end) (`src` decoded), or undefined for parseUri to decide. */
export function parseSipUriBytes(b: Uint8Array, src: string, start: number, end: number): SipUri | undefined {
  if ((b[start]! | 32) !== 115 || (b[start + 1]! | 32) !== 105 || (b[start + 2]! | 32) !== 112)
    return undefined;
  let scheme: 'sip' | 'sips';
  let pos: number;
  if (b[start + 3] === 58) {
    scheme = 'sip';
    pos = start + 4;
  } else if ((b[start + 3]! | 32) === 115 && b[start + 4] === 58) {
    scheme = 'sips';
    pos = start + 5;
  } else return undefined;
  let user: string | undefined;
  let at = pos;
  while (at < end && b[at] !== 64) at++;
  if (at < end) {
    const userEnd = scanClassBytes(b, pos, at, USER_CHARS);
    if (userEnd !== at || userEnd === pos) return undefined;
    user = src.slice(pos, at);
    pos = at + 1;
  }
  if (!scanHostPortBytes(b, pos, end)) return undefined;
  const host = src.slice(pos, HOST_PORT.hostEnd);
  const port = HOST_PORT.port;
  pos = HOST_PORT.end;
  let params: Params = EMPTY_PARAMS;
  if (pos < end && b[pos] === 59) {
    const map = new ParamMap();
    pos = uriParams(b, src, pos, end, map);
    params = map;
  }
  if (pos !== end) return undefined;
  return { kind: 'sip', scheme, user, password: undefined, host, port, params, headers: EMPTY_HEADERS };
}

// uri-parameters without %-escapes; returns where they stop (the caller requires `end`).
function uriParams(b: Uint8Array, src: string, pos: number, end: number, into: ParamMap): number {
  while (pos < end && b[pos] === 59) {
    const nameStart = pos + 1;
    const nameEnd = scanClassBytes(b, nameStart, end, PARAM_CHARS);
    if (nameEnd === nameStart) return BAIL;
    pos = nameEnd;
    let valueStart = 0;
    let valueEnd = -1;
    if (pos < end && b[pos] === 61) {
      valueStart = pos + 1;
      valueEnd = scanClassBytes(b, valueStart, end, PARAM_CHARS);
      if (valueEnd === valueStart) return BAIL;
      pos = valueEnd;
    }
    if (pos < end && b[pos] === 37) return BAIL;
    into.addSpan(src, nameStart, nameEnd, valueStart, valueEnd);
  }
  return pos;
}

function scanClassBytes(b: Uint8Array, pos: number, end: number, cls: number): number {
  while (pos < end && (CHAR_CLASS[b[pos]!]! & cls) !== 0) pos++;
  return pos;
}
