// Fast path for the usual top Via, "SIP/2.0/UDP host[:port];name=value;flag", scanned from the
// received bytes (see grammar/byte-scanners.ts for the contract). Anything else (other spellings
// of sent-protocol, LWS, IPv6, IPv6 or escaped quoted parameter values) is left to parseVia.
import { BAIL, HOST_PORT, scanHostPortBytes, scanParamsBytes } from '../grammar/byte-scanners.js';
import { ParamMap } from '../grammar/param-map.js';
import { EMPTY_PARAMS, type Params } from '../grammar/scanner.js';
import { type Via, ViaValue } from './via.js';

/**
 * The first via-parm of the Via value at b[start, end) (`src` is the same text decoded), or
 * undefined when the general parser must decide. The element ends at `end` or at the first
 * comma, as parseVia(src, start, listElementEnd(...)) would see it.
 */
export function parseViaBytes(b: Uint8Array, src: string, start: number, end: number): Via | undefined {
  if (
    end - start < 12 ||
    b[start] !== 83 || // S
    b[start + 1] !== 73 || // I
    b[start + 2] !== 80 || // P
    b[start + 3] !== 47 ||
    b[start + 4] !== 50 ||
    b[start + 5] !== 46 ||
    b[start + 6] !== 48 ||
    b[start + 7] !== 47
  )
    return undefined;
  let pos = start + 8;
  const transport = knownTransport(b, pos);
  if (transport === undefined) return undefined;
  pos += transport.length;
  if (b[pos] !== 32) return undefined;
  const hostStart = pos + 1;
  if (!scanHostPortBytes(b, hostStart, end)) return undefined;
  const { hostEnd, port } = HOST_PORT;
  pos = HOST_PORT.end;
  let params: Params = EMPTY_PARAMS;
  if (pos < end && b[pos] !== 44) {
    const map = new ParamMap();
    pos = scanParamsBytes(b, src, pos, end, map, true);
    if (pos === BAIL) return undefined;
    params = map;
  }
  return new ViaValue('SIP', '2.0', transport, src, hostStart, hostEnd, port, params);
}

/** The common transports in upper case (as parseVia returns them) followed by SP, else undefined. */
function knownTransport(b: Uint8Array, pos: number): string | undefined {
  const c0 = b[pos];
  const c1 = b[pos + 1];
  const c2 = b[pos + 2];
  if (b[pos + 3] === 32) {
    if (c0 === 85 && c1 === 68 && c2 === 80) return 'UDP';
    if (c0 === 84 && c1 === 67 && c2 === 80) return 'TCP';
    if (c0 === 84 && c1 === 76 && c2 === 83) return 'TLS';
    if (c0 === 87 && c1 === 83 && c2 === 83) return 'WSS';
    return undefined;
  }
  if (c2 === 32 && c0 === 87 && c1 === 83) return 'WS';
  return undefined;
}
