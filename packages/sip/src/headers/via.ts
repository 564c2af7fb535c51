// Via (RFC 3261 §20.42, §25.1; rport RFC 3581):
//   via-parm = sent-protocol LWS sent-by *( SEMI via-params )
//   sent-protocol = protocol-name SLASH protocol-version SLASH transport
import { isDigit } from '../grammar/char-classes.js';
import { ParamMap } from '../grammar/param-map.js';
import {
  EMPTY_PARAMS,
  parseDigits,
  parseParams,
  scanToken,
  skipWs,
  type Params,
} from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';
import { scanHost } from '../uri/uri.js';

export interface Via {
  readonly protocolName: string;
  readonly protocolVersion: string;
  /** Transport in upper case ("UDP", "TCP", "TLS", "WSS"...). */
  readonly transport: string;
  readonly host: string;
  readonly port: number | undefined;
  readonly params: Params;
  readonly branch: string | undefined;
  readonly received: string | undefined;
  /** rport: a number, null when present without value (RFC 3581), undefined when absent. */
  readonly rport: number | null | undefined;
  readonly maddr: string | undefined;
  readonly ttl: number | undefined;
}

const H = 'Via';

function expectSlash(s: string, pos: number, end: number): number {
  pos = skipWs(s, pos, end);
  if (s.charCodeAt(pos) !== 47) throw headerError(H, "expected '/' in sent-protocol");
  return skipWs(s, pos + 1, end);
}

function token(s: string, pos: number, end: number, what: string): number {
  const e = scanToken(s, pos, end);
  if (e === pos) throw headerError(H, `missing ${what}`);
  return e;
}

/** Parses one via-parm occupying s[start, end). */
export function parseVia(s: string, start = 0, end = s.length): Via {
  let pos = skipWs(s, start, end);
  let protocolName = 'SIP';
  let protocolVersion = '2.0';
  let e: number;
  if (s.startsWith('SIP/2.0/', pos) && pos + 8 <= end) {
    pos += 8; // the usual spelling, without whitespace around the slashes
  } else {
    e = token(s, pos, end, 'protocol name');
    protocolName = s.slice(pos, e);
    pos = expectSlash(s, e, end);
    e = token(s, pos, end, 'protocol version');
    protocolVersion = s.slice(pos, e);
    pos = expectSlash(s, e, end);
  }
  e = token(s, pos, end, 'transport');
  const transport = transportName(s, pos, e);
  pos = skipWs(s, e, end);
  if (pos === e) throw headerError(H, 'expected whitespace before sent-by');
  const hostStart = pos;
  const hostEnd = scanHost(s, pos, end, H);
  pos = skipWs(s, hostEnd, end);
  let port: number | undefined;
  if (s.charCodeAt(pos) === 58) {
    const ps = skipWs(s, pos + 1, end);
    let pe = ps;
    while (pe < end && isDigit(s.charCodeAt(pe))) pe++;
    port = pe - ps > 5 ? -1 : parseDigits(s, ps, pe);
    if (port < 0 || port > 65535) throw headerError(H, 'bad port');
    pos = pe;
  }
  let params = EMPTY_PARAMS;
  if (pos < end) {
    const map = new ParamMap();
    pos = parseParams(s, pos, end, H, map, true);
    if (pos !== end) throw headerError(H, `unexpected character '${s[pos]}'`);
    params = map;
  }
  return new ViaValue(protocolName, protocolVersion, transport, s, hostStart, hostEnd, port, params);
}

/** A parsed via-parm; the well-known parameters are read from `params` on access. */
export class ViaValue implements Via {
  readonly protocolName: string;
  readonly protocolVersion: string;
  readonly transport: string;
  readonly port: number | undefined;
  readonly params: Params;
  // The host stays an offset range into the header text until asked for (parse+touch hot path).
  private readonly src: string;
  private readonly hostStart: number;
  private readonly hostEnd: number;
  private _host: string | undefined;

  constructor(
    protocolName: string,
    protocolVersion: string,
    transport: string,
    src: string,
    hostStart: number,
    hostEnd: number,
    port: number | undefined,
    params: Params,
  ) {
    this.protocolName = protocolName;
    this.protocolVersion = protocolVersion;
    this.transport = transport;
    this.src = src;
    this.hostStart = hostStart;
    this.hostEnd = hostEnd;
    this._host = undefined;
    this.port = port;
    this.params = params;
  }

  get host(): string {
    return (this._host ??= this.src.slice(this.hostStart, this.hostEnd));
  }

  get branch(): string | undefined {
    return this.params.get('branch') ?? undefined;
  }

  get received(): string | undefined {
    return this.params.get('received') ?? undefined;
  }

  get maddr(): string | undefined {
    return this.params.get('maddr') ?? undefined;
  }

  get rport(): number | null | undefined {
    const raw = this.params.get('rport');
    if (raw === null || raw === undefined) return raw;
    const rport = parseDigits(raw, 0, raw.length);
    if (rport < 0 || rport > 65535) throw headerError(H, 'bad rport');
    return rport;
  }

  get ttl(): number | undefined {
    const raw = this.params.get('ttl');
    if (raw === undefined) return undefined;
    const ttl = raw === null || raw.length > 3 ? -1 : parseDigits(raw, 0, raw.length);
    if (ttl < 0 || ttl > 255) throw headerError(H, 'bad ttl');
    return ttl;
  }

  toJSON(): Record<string, unknown> {
    const { protocolName, protocolVersion, transport, host, port, branch, received, rport, maddr, ttl } =
      this;
    return { protocolName, protocolVersion, transport, host, port, branch, received, rport, maddr, ttl };
  }
}

/** Transports named without slicing; the Via facts (grammar/wasm-facts.ts) store an index into it. */
export const COMMON_TRANSPORTS: readonly string[] = ['UDP', 'TCP', 'TLS', 'WSS', 'WS', 'SCTP'];

/** The transport s[start, end) in upper case; the common ones without slicing (hot path). */
function transportName(s: string, start: number, end: number): string {
  for (const t of COMMON_TRANSPORTS) {
    if (t.length === end - start && s.startsWith(t, start)) return t;
  }
  return upper(s.slice(start, end));
}

/** Upper-cases a short ASCII token only when needed (transports are usually upper case). */
function upper(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return s.toUpperCase();
  }
  return s;
}

export interface ViaInit {
  transport: string;
  host: string;
  port?: number;
  branch?: string;
  params?: Record<string, string | null>;
}

/** Formats "SIP/2.0/UDP host:port;branch=..." for a new Via header. */
export function formatVia(init: ViaInit): string {
  let out = `SIP/2.0/${init.transport.toUpperCase()} ${init.host}`;
  if (init.port !== undefined) out += `:${init.port}`;
  if (init.branch !== undefined) out += `;branch=${init.branch}`;
  for (const [k, v] of Object.entries(init.params ?? {})) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}
