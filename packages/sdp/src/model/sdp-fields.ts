/**
 * Parsers and formatters for single SDP field values (the text after `x=` or `a=name:`).
 * Parsers return undefined on malformed input; callers turn that into an SdpParseError with the
 * line number. Formatters are the inverse for well-formed values.
 */
import type {
  Bandwidth,
  Connection,
  CryptoAttribute,
  Fingerprint,
  Fmtp,
  Group,
  IceCandidate,
  MediaLine,
  Origin,
  RtcpAttribute,
  RtcpFeedback,
  Rtpmap,
  SsrcAttribute,
  SsrcGroup,
} from './sdp-types.js';
import { digitsAt, isTokenAt } from './sdp-validators.js';

const DIGITS = /^\d+$/;

export function isToken(s: string): boolean {
  return isTokenAt(s, 0, s.length);
}

/** A non-negative integer written in decimal, or undefined. */
export function parseUint(s: string | undefined): number | undefined {
  if (s === undefined) return undefined;
  const n = digitsAt(s, 0, s.length);
  return n < 0 ? undefined : n;
}

function parsePort(s: string | undefined): number | undefined {
  const n = parseUint(s);
  return n !== undefined && n <= 65535 ? n : undefined;
}

export function parseOrigin(v: string): Origin | undefined {
  const f = v.split(' ');
  if (f.length !== 6) return undefined;
  const [username, sessionId, version, netType, addrType, address] = f as [
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  if (!username || !DIGITS.test(sessionId) || !DIGITS.test(version) || !netType || !addrType || !address) {
    return undefined;
  }
  return { username, sessionId, sessionVersion: BigInt(version), netType, addrType, address };
}

export function formatOrigin(o: Origin): string {
  return `${o.username} ${o.sessionId} ${o.sessionVersion} ${o.netType} ${o.addrType} ${o.address}`;
}

export function parseConnection(v: string): Connection | undefined {
  const f = v.split(' ');
  if (f.length !== 3 || !f[0] || !f[1] || !f[2]) return undefined;
  const [netType, addrType, rest] = f as [string, string, string];
  const slash = rest.indexOf('/');
  if (slash < 0) return { netType, addrType, address: rest };
  // Multicast: IP4 address/ttl[/count], IP6 address[/count] (RFC 8866 §5.7).
  const parts = rest.split('/');
  const address = parts[0] ?? '';
  const nums = parts.slice(1).map(parseUint);
  if (!address || nums.length > 2 || nums.some((n) => n === undefined)) return undefined;
  const c: Connection = { netType, addrType, address };
  if (addrType === 'IP6') {
    if (nums.length !== 1) return undefined;
    c.count = nums[0];
  } else {
    c.ttl = nums[0];
    if (nums.length === 2) c.count = nums[1];
  }
  return c;
}

export function formatConnection(c: Connection): string {
  let s = `${c.netType} ${c.addrType} ${c.address}`;
  if (c.ttl !== undefined) s += `/${c.ttl}`;
  if (c.count !== undefined) s += `/${c.count}`;
  return s;
}

export function parseBandwidth(v: string): Bandwidth | undefined {
  const colon = v.indexOf(':');
  if (colon <= 0) return undefined;
  const value = parseUint(v.slice(colon + 1));
  const type = v.slice(0, colon);
  if (value === undefined || !isToken(type)) return undefined;
  return { type, value };
}

export function parseMediaLine(v: string): MediaLine | undefined {
  const f = v.split(' ');
  if (f.length < 3) return undefined;
  const media = f[0] as string;
  const portField = f[1] as string;
  const protocol = f[2] as string;
  if (!isToken(media) || !protocol) return undefined;
  const slash = portField.indexOf('/');
  const port = parsePort(slash < 0 ? portField : portField.slice(0, slash));
  if (port === undefined) return undefined;
  const formats = f.slice(3);
  for (const fmt of formats) if (fmt.length === 0) return undefined;
  const m: MediaLine = { media, port, protocol, formats };
  if (slash >= 0) {
    const count = parseUint(portField.slice(slash + 1));
    if (count === undefined) return undefined;
    m.portCount = count;
  }
  return m;
}

export function formatMediaLine(m: MediaLine): string {
  const port = m.portCount === undefined ? `${m.port}` : `${m.port}/${m.portCount}`;
  const head = `${m.media} ${port} ${m.protocol}`;
  return m.formats.length === 0 ? head : `${head} ${m.formats.join(' ')}`;
}

/** Timing t= `<start> <stop>` in NTP seconds. */
export function parseTimingValue(v: string): { start: string; stop: string } | undefined {
  const f = v.split(' ');
  if (f.length !== 2 || !DIGITS.test(f[0] ?? '') || !DIGITS.test(f[1] ?? '')) return undefined;
  return { start: f[0] as string, stop: f[1] as string };
}

const TYPED_TIME = /^-?\d+[dhms]?$/;

/** r= (RFC 8866 §5.10): interval, duration, then one or more offsets, all typed times. */
export function isValidRepeat(v: string): boolean {
  const f = v.split(' ');
  return f.length >= 3 && f.every((x) => TYPED_TIME.test(x));
}

/** z= (RFC 8866 §5.11): pairs of `<adjustment time> <offset>`. */
export function isValidTimeZones(v: string): boolean {
  const f = v.split(' ');
  return f.length >= 2 && f.length % 2 === 0 && f.every((x) => TYPED_TIME.test(x));
}

/** k= (RFC 8866 §5.12): `<method>` or `<method>:<key>`. */
export function isValidKey(v: string): boolean {
  const colon = v.indexOf(':');
  return isToken(colon < 0 ? v : v.slice(0, colon));
}

export function parseRtpmap(v: string): Rtpmap | undefined {
  const sp = v.indexOf(' ');
  if (sp <= 0) return undefined;
  const payloadType = parseUint(v.slice(0, sp));
  if (payloadType === undefined || payloadType > 127) return undefined;
  const enc = v.slice(sp + 1).split('/');
  if (enc.length < 2 || enc.length > 3 || !enc[0]) return undefined;
  const clockRate = parseUint(enc[1]);
  if (clockRate === undefined) return undefined;
  const r: Rtpmap = { payloadType, encodingName: enc[0], clockRate };
  if (enc.length === 3) {
    const channels = parseUint(enc[2]);
    if (channels === undefined) return undefined;
    r.channels = channels;
  }
  return r;
}

export function formatRtpmap(r: Rtpmap): string {
  const base = `${r.payloadType} ${r.encodingName}/${r.clockRate}`;
  return r.channels === undefined ? base : `${base}/${r.channels}`;
}

/** Splits fmtp parameters `a=b;c=d` (RFC 8866 §6.15 leaves the syntax to the format; this is the common one). */
export function parseFmtpParams(value: string): Map<string, string> {
  const params = new Map<string, string>();
  for (const raw of value.split(';')) {
    const p = raw.trim();
    if (!p) continue;
    const eq = p.indexOf('=');
    if (eq < 0) params.set(p, '');
    else params.set(p.slice(0, eq).trim(), p.slice(eq + 1).trim());
  }
  return params;
}

export function formatFmtpParams(params: ReadonlyMap<string, string>): string {
  const out: string[] = [];
  for (const [k, v] of params) out.push(v === '' ? k : `${k}=${v}`);
  return out.join(';');
}

export function parseFmtp(v: string): Fmtp | undefined {
  const sp = v.indexOf(' ');
  if (sp <= 0) return undefined;
  const format = v.slice(0, sp);
  const value = v.slice(sp + 1);
  return { format, value, params: parseFmtpParams(value) };
}

export function parseRtcp(v: string): RtcpAttribute | undefined {
  const sp = v.indexOf(' ');
  const port = parsePort(sp < 0 ? v : v.slice(0, sp));
  if (port === undefined) return undefined;
  if (sp < 0) return { port };
  const connection = parseConnection(v.slice(sp + 1));
  return connection ? { port, connection } : undefined;
}

export function parseRtcpFb(v: string): RtcpFeedback | undefined {
  const f = v.split(' ');
  if (f.length < 2 || !f[0] || !f[1]) return undefined;
  const fb: RtcpFeedback = { format: f[0], type: f[1] };
  if (f.length > 2) fb.parameter = f.slice(2).join(' ');
  return fb;
}

export function parseCandidate(v: string): IceCandidate | undefined {
  const f = v.split(' ');
  if (f.length < 8 || f[6] !== 'typ') return undefined;
  const component = parseUint(f[1]);
  const priority = parseUint(f[3]);
  const port = parsePort(f[5]);
  if (!f[0] || component === undefined || !f[2] || priority === undefined || !f[4] || port === undefined) {
    return undefined;
  }
  const type = f[7];
  if (!type) return undefined;
  const c: IceCandidate = {
    foundation: f[0],
    component,
    transport: f[2],
    priority,
    address: f[4],
    port,
    type,
    extensions: [],
  };
  let i = 8;
  while (i + 1 < f.length) {
    const key = f[i] as string;
    const val = f[i + 1] as string;
    if (key === 'raddr') c.relatedAddress = val;
    else if (key === 'rport') {
      const rp = parsePort(val);
      if (rp === undefined) return undefined;
      c.relatedPort = rp;
    } else c.extensions.push([key, val]);
    i += 2;
  }
  return i === f.length ? c : undefined;
}

export function formatCandidate(c: IceCandidate): string {
  let s = `${c.foundation} ${c.component} ${c.transport} ${c.priority} ${c.address} ${c.port} typ ${c.type}`;
  if (c.relatedAddress !== undefined) s += ` raddr ${c.relatedAddress}`;
  if (c.relatedPort !== undefined) s += ` rport ${c.relatedPort}`;
  for (const [k, v] of c.extensions) s += ` ${k} ${v}`;
  return s;
}

export function parseFingerprint(v: string): Fingerprint | undefined {
  const sp = v.indexOf(' ');
  if (sp <= 0 || sp === v.length - 1) return undefined;
  return { hashFunction: v.slice(0, sp), value: v.slice(sp + 1) };
}

export function parseGroup(v: string): Group | undefined {
  const f = v.split(' ');
  if (!f[0] || !isToken(f[0])) return undefined;
  return { semantics: f[0], mids: f.slice(1).filter((m) => m.length > 0) };
}

export function parseSsrc(v: string): SsrcAttribute | undefined {
  const sp = v.indexOf(' ');
  if (sp <= 0) return undefined;
  const ssrc = parseUint(v.slice(0, sp));
  if (ssrc === undefined || ssrc > 0xffffffff) return undefined;
  const rest = v.slice(sp + 1);
  const colon = rest.indexOf(':');
  if (colon === 0 || rest.length === 0) return undefined;
  return colon < 0
    ? { ssrc, attribute: rest }
    : { ssrc, attribute: rest.slice(0, colon), value: rest.slice(colon + 1) };
}

export function parseSsrcGroup(v: string): SsrcGroup | undefined {
  const f = v.split(' ');
  if (!f[0]) return undefined;
  const ssrcs: number[] = [];
  for (const s of f.slice(1)) {
    const n = parseUint(s);
    if (n === undefined || n > 0xffffffff) return undefined;
    ssrcs.push(n);
  }
  return { semantics: f[0], ssrcs };
}

export function parseCrypto(v: string): CryptoAttribute | undefined {
  const f = v.split(' ');
  if (f.length < 3) return undefined;
  const tag = parseUint(f[0]);
  if (tag === undefined || !f[1] || !f[2]) return undefined;
  return { tag, suite: f[1], keyParams: f[2].split(';'), sessionParams: f.slice(3) };
}

export function formatCrypto(c: CryptoAttribute): string {
  const base = `${c.tag} ${c.suite} ${c.keyParams.join(';')}`;
  return c.sessionParams.length ? `${base} ${c.sessionParams.join(' ')}` : base;
}

/** ptime/maxptime: milliseconds; some stacks write decimals (e.g. 20.0), accepted here. */
export function parseMilliseconds(v: string): number | undefined {
  if (!/^\d+(\.\d+)?$/.test(v)) return undefined;
  return Number(v);
}
