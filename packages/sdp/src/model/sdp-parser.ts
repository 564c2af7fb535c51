import { findAttributeCheck } from './attribute-checks.js';
import { MediaDescription } from './media-description.js';
import {
  isValidKey,
  isValidRepeat,
  isValidTimeZones,
  parseBandwidth,
  parseConnection,
  parseMediaLine,
  parseTimingValue,
} from './sdp-fields.js';
import { SdpParseError } from './sdp-parse-error.js';
import { digitsAt, isTokenAt } from './sdp-validators.js';
import { type LineEnding, SessionDescription } from './session-description.js';

// Module constant: a regular expression literal in a function body is a new object per call.
const DECIMAL = /^\d+$/;

/** Bit per type letter (a = bit 0) for the fields that may only appear at session level (RFC 8866 §5). */
const SESSION_ONLY = bits('vosueptrz');

function bits(letters: string): number {
  let b = 0;
  for (const c of letters) b |= 1 << (c.charCodeAt(0) - 97);
  return b;
}

/** Mutable state of one parse; kept in an object so the per-line checks stay small functions. */
interface ParseState {
  session: string[];
  media: MediaDescription[];
  current: string[] | undefined;
  /** Type letters seen at session level, one bit each (a = bit 0). */
  seen: number;
  previousType: number;
  /** Line numbers of the m= lines, for the c= check at the end. */
  mediaLineNumbers: number[];
}

/**
 * Parses an SDP body (RFC 8866), given as text or as the UTF-8 bytes of a message body (RFC 8866 §5:
 * UTF-8 is the default charset). Accepts CRLF or LF line endings. Throws {@link SdpParseError}
 * with the 1-based line number for malformed input; never returns a partial description.
 *
 * Strictness: structural fields (v o s c b t r z k m) and the values of common attributes
 * (rtpmap, fmtp, rtcp, candidate, crypto, …) are checked; unknown attributes and unknown line
 * types are kept verbatim.
 */
export function parseSdp(body: string | Uint8Array): SessionDescription {
  const text = typeof body === 'string' ? body : decodeUtf8(body);
  if (text.length === 0) throw new SdpParseError('empty session description', 0);
  const { lines, eol, finalEol } = splitLines(text);
  const state: ParseState = {
    session: [],
    media: [],
    current: undefined,
    seen: 0,
    previousType: 0,
    mediaLineNumbers: [],
  };
  for (let i = 0; i < lines.length; i++) parseLine(state, lines[i] as string, i + 1);
  checkComplete(state, lines);
  return new SessionDescription(state.session, state.media, eol, finalEol);
}

const UTF8 = new TextDecoder('utf-8', { fatal: true });

function decodeUtf8(bytes: Uint8Array): string {
  try {
    return UTF8.decode(bytes);
  } catch {
    throw new SdpParseError('the body is not valid UTF-8', 0);
  }
}

/**
 * Splits on CRLF or LF in one pass. The description keeps the first terminator seen; mixed
 * terminators are accepted and normalised to it (RFC 8866 §5 asks parsers to accept LF).
 */
function splitLines(text: string): { lines: string[]; eol: LineEnding; finalEol: boolean } {
  const lines: string[] = [];
  let eol: LineEnding | undefined;
  let start = 0;
  const n = text.length;
  while (start < n) {
    const lf = text.indexOf('\n', start);
    if (lf < 0) {
      lines.push(text.slice(start));
      return { lines, eol: eol ?? '\r\n', finalEol: false };
    }
    const cr = lf > start && text.charCodeAt(lf - 1) === 13;
    eol ??= cr ? '\r\n' : '\n';
    lines.push(text.slice(start, cr ? lf - 1 : lf));
    start = lf + 1;
  }
  return { lines, eol: eol ?? '\r\n', finalEol: true };
}

function parseLine(state: ParseState, line: string, n: number): void {
  const type = line.charCodeAt(0);
  if (line.length < 2 || line.charCodeAt(1) !== 61 /* = */ || type < 97 || type > 122) {
    const reason =
      line.length === 0 ? 'empty line' : "expected '<type>=<value>' with a lower-case type letter";
    throw new SdpParseError(reason, n, line);
  }
  if (n === 1) checkVersion(line);
  if (type === 109 /* m */) {
    startMedia(state, line, n);
    return;
  }
  if (state.current) {
    if (SESSION_ONLY & (1 << (type - 97))) {
      throw new SdpParseError(`${line.charAt(0)}= is not allowed in a media description`, n, line);
    }
    state.current.push(line);
  } else {
    checkSessionField(state, type, n, line);
    state.session.push(line);
  }
  if (type === 97 /* a */) checkAttribute(line, n);
  else checkValue(type, line, n);
  state.previousType = type;
}

function checkVersion(line: string): void {
  if (line.charCodeAt(0) !== 118 /* v */) throw new SdpParseError('the first line must be v=', 1, line);
  if (line !== 'v=0')
    throw new SdpParseError(`unsupported protocol version ${JSON.stringify(line.slice(2))}`, 1, line);
}

function startMedia(state: ParseState, line: string, n: number): void {
  const m = parseMediaLine(line.slice(2));
  if (!m) throw new SdpParseError("m= must be '<media> <port>[/<count>] <proto> <fmt> …'", n, line);
  if (m.formats.length === 0 && m.port !== 0) throw new SdpParseError('m= lists no format', n, line);
  if (m.protocol.includes('RTP/')) {
    for (const f of m.formats) {
      const pt = digitsAt(f, 0, f.length);
      if (pt < 0 || pt > 127) throw new SdpParseError(`RTP format ${f} is not a payload type 0-127`, n, line);
    }
  }
  state.current = [line];
  state.media.push(new MediaDescription(state.current));
  state.mediaLineNumbers.push(n);
  state.previousType = 109;
}

const ONCE = bits('vos');

function checkSessionField(state: ParseState, type: number, n: number, line: string): void {
  const bit = 1 << (type - 97);
  if (ONCE & bit) {
    if (state.seen & bit) throw new SdpParseError(`duplicate ${line.charAt(0)}= line`, n, line);
    if (type === 111 /* o */ && !(state.seen & (1 << 21)))
      throw new SdpParseError('o= must follow v=', n, line);
  }
  if (type === 114 /* r */ && state.previousType !== 116 /* t */ && state.previousType !== 114) {
    throw new SdpParseError('r= must follow a t= line', n, line);
  }
  state.seen |= bit;
}

function checkValue(type: number, line: string, n: number): void {
  const value = line.slice(2);
  switch (type) {
    case 111 /* o */:
      if (!isValidOrigin(value)) {
        throw new SdpParseError(
          "o= must be '<username> <sess-id> <sess-version> <nettype> <addrtype> <address>' with numeric id and version",
          n,
          line,
        );
      }
      return;
    case 99 /* c */:
      if (!parseConnection(value))
        throw new SdpParseError("c= must be '<nettype> <addrtype> <address>'", n, line);
      return;
    case 98 /* b */:
      if (!parseBandwidth(value)) throw new SdpParseError("b= must be '<bwtype>:<bandwidth>'", n, line);
      return;
    case 116 /* t */:
      if (!parseTimingValue(value)) throw new SdpParseError("t= must be '<start-time> <stop-time>'", n, line);
      return;
    case 114 /* r */:
      if (!isValidRepeat(value))
        throw new SdpParseError("r= must be '<interval> <duration> <offset> …'", n, line);
      return;
    case 122 /* z */:
      if (!isValidTimeZones(value))
        throw new SdpParseError("z= must be '<adjustment time> <offset> …'", n, line);
      return;
    case 107 /* k */:
      if (!isValidKey(value)) throw new SdpParseError("k= must be '<method>[:<encryption key>]'", n, line);
      return;
    default:
      return;
  }
}

/** o= with six fields and decimal session id and version (checked without building the bigint). */
function isValidOrigin(v: string): boolean {
  const f = v.split(' ');
  if (f.length !== 6 || f.includes('')) return false;
  const id = f[1] as string;
  const version = f[2] as string;
  return DECIMAL.test(id) && DECIMAL.test(version);
}

function checkAttribute(line: string, n: number): void {
  const colon = line.indexOf(':', 2);
  const nameEnd = colon < 0 ? line.length : colon;
  if (!isTokenAt(line, 2, nameEnd)) throw new SdpParseError('attribute name must be a token', n, line);
  const check = findAttributeCheck(line, nameEnd);
  if (!check) return;
  if (colon < 0) throw new SdpParseError(`a=${check.name} needs a value: '${check.syntax}'`, n, line);
  if (!check.valid(line.slice(colon + 1)))
    throw new SdpParseError(`a=${check.name} must be '${check.syntax}'`, n, line);
}

function checkComplete(state: ParseState, lines: readonly string[]): void {
  const sessionLines = state.session.length;
  for (const required of ['o', 's', 't']) {
    if (!(state.seen & bits(required))) {
      throw new SdpParseError(
        `missing ${required}= line in the session part`,
        sessionLines,
        lines[sessionLines - 1],
      );
    }
  }
  const sessionHasC = (state.seen & bits('c')) !== 0;
  for (let i = 0; i < state.media.length; i++) {
    const m = state.media[i] as MediaDescription;
    // RFC 8866 §5.7: c= at session level or in every media description (a rejected stream needs none).
    if (!sessionHasC && m.port !== 0 && m.fieldValue('c') === undefined) {
      const n = state.mediaLineNumbers[i] as number;
      throw new SdpParseError('media description has no c= line and the session has none', n, lines[n - 1]);
    }
  }
}
