/**
 * Allocation-free syntax checks for the hot attributes, used by the parser on every line. The
 * typed parsers in sdp-fields.ts accept exactly the same inputs; the tests cross-check them.
 */

/** RFC 8866 token characters (RFC 8866 §9: token-char), indexed by char code. */
const TOKEN_CHARS = new Uint8Array(128);
for (const c of "!#$%&'*+-.^_`{|}~") TOKEN_CHARS[c.charCodeAt(0)] = 1;
for (let c = 48; c <= 57; c++) TOKEN_CHARS[c] = 1;
for (let c = 65; c <= 90; c++) TOKEN_CHARS[c] = 1;
for (let c = 97; c <= 122; c++) TOKEN_CHARS[c] = 1;

/** Whether s[from, to) is a non-empty token. */
export function isTokenAt(s: string, from: number, to: number): boolean {
  if (to <= from) return false;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i);
    if (c >= 128 || TOKEN_CHARS[c] === 0) return false;
  }
  return true;
}

/** The decimal value of s[from, to) if it is 1–15 digits, else -1. */
export function digitsAt(s: string, from: number, to: number): number {
  if (to <= from || to - from > 15) return -1;
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = s.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return -1;
    n = n * 10 + c;
  }
  return n;
}

/** `<payload type> <encoding name>/<clock rate>[/<channels>]`, payload type 0–127. */
export function isValidRtpmap(v: string): boolean {
  const sp = v.indexOf(' ');
  const pt = digitsAt(v, 0, sp);
  if (pt < 0 || pt > 127) return false;
  const slash = v.indexOf('/', sp + 1);
  if (slash <= sp + 1) return false;
  const slash2 = v.indexOf('/', slash + 1);
  if (slash2 < 0) return digitsAt(v, slash + 1, v.length) >= 0;
  return digitsAt(v, slash + 1, slash2) >= 0 && digitsAt(v, slash2 + 1, v.length) >= 0;
}

/** `<format> <parameters>`: a non-empty format and a space. */
export function isValidFmtp(v: string): boolean {
  return v.indexOf(' ') > 0;
}

/** `<format|*> <type> [<parameters>]`. */
export function isValidRtcpFb(v: string): boolean {
  const sp = v.indexOf(' ');
  return sp > 0 && sp < v.length - 1 && v.charCodeAt(sp + 1) !== 32;
}

/** `<ssrc> <attribute>[:<value>]` with an ssrc of at most 32 bits. */
export function isValidSsrc(v: string): boolean {
  const sp = v.indexOf(' ');
  const ssrc = digitsAt(v, 0, sp);
  return ssrc >= 0 && ssrc <= 0xffffffff && sp < v.length - 1 && v.charCodeAt(sp + 1) !== 58;
}
