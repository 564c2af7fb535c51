import { MediaDescription } from './media-description.js';
import {
  isToken,
  isValidKey,
  isValidRepeat,
  isValidTimeZones,
  parseBandwidth,
  parseCandidate,
  parseConnection,
  parseCrypto,
  parseFingerprint,
  parseFmtp,
  parseGroup,
  parseMediaLine,
  parseMilliseconds,
  parseOrigin,
  parseRtcp,
  parseRtcpFb,
  parseRtpmap,
  parseSsrc,
  parseSsrcGroup,
  parseTimingValue,
  parseUint,
} from './sdp-fields.js';
import { SdpParseError } from './sdp-parse-error.js';
import { type LineEnding, SessionDescription } from './session-description.js';

/** Fields that may only appear at session level (RFC 8866 §5). */
const SESSION_ONLY = new Set(['v', 'o', 's', 'u', 'e', 'p', 't', 'r', 'z']);

/** Syntax a known attribute's value must follow, for the error message; checked by ATTRIBUTE_CHECKS. */
const ATTRIBUTE_SYNTAX: Record<string, string> = {
  rtpmap: '<payload type> <encoding name>/<clock rate>[/<channels>]',
  fmtp: '<format> <parameters>',
  rtcp: '<port> [<nettype> <addrtype> <address>]',
  'rtcp-fb': '<format|*> <type> [<parameters>]',
  ptime: '<milliseconds>',
  maxptime: '<milliseconds>',
  candidate: '<foundation> <component> <transport> <priority> <address> <port> typ <type> …',
  fingerprint: '<hash function> <fingerprint>',
  setup: 'active|passive|actpass|holdconn',
  crypto: '<tag> <crypto suite> <key params> [<session params>]',
  group: '<semantics> <mid> …',
  mid: '<identification tag>',
  ssrc: '<ssrc> <attribute>[:<value>]',
  'ssrc-group': '<semantics> <ssrc> …',
};

const ATTRIBUTE_CHECKS: Record<string, (v: string) => boolean> = {
  rtpmap: (v) => parseRtpmap(v) !== undefined,
  fmtp: (v) => parseFmtp(v) !== undefined,
  rtcp: (v) => parseRtcp(v) !== undefined,
  'rtcp-fb': (v) => parseRtcpFb(v) !== undefined,
  ptime: (v) => parseMilliseconds(v) !== undefined,
  maxptime: (v) => parseMilliseconds(v) !== undefined,
  candidate: (v) => parseCandidate(v) !== undefined,
  fingerprint: (v) => parseFingerprint(v) !== undefined,
  setup: (v) => v === 'active' || v === 'passive' || v === 'actpass' || v === 'holdconn',
  crypto: (v) => parseCrypto(v) !== undefined,
  group: (v) => parseGroup(v) !== undefined,
  mid: (v) => v.length > 0,
  ssrc: (v) => parseSsrc(v) !== undefined,
  'ssrc-group': (v) => parseSsrcGroup(v) !== undefined,
};

/** Mutable state of one parse; kept in an object so the per-line checks stay small functions. */
interface ParseState {
  session: string[];
  media: MediaDescription[];
  current: string[] | undefined;
  seen: Set<string>;
  previousType: string;
  /** Line numbers of the m= lines, for the c= check at the end. */
  mediaLineNumbers: number[];
}

/**
 * Parses an SDP body (RFC 8866). Accepts CRLF or LF line endings. Throws {@link SdpParseError}
 * with the 1-based line number for malformed input; never returns a partial description.
 *
 * Strictness: structural fields (v o s c b t r z k m) and the values of common attributes
 * (rtpmap, fmtp, rtcp, candidate, crypto, …) are checked; unknown attributes and unknown line
 * types are kept verbatim.
 */
export function parseSdp(text: string): SessionDescription {
  if (text.length === 0) throw new SdpParseError('empty session description', 0);
  const nl = text.indexOf('\n');
  const eol: LineEnding = nl > 0 && text.charCodeAt(nl - 1) === 13 ? '\r\n' : '\n';
  const finalEol = text.endsWith(eol);
  const body = finalEol ? text.slice(0, text.length - eol.length) : text;
  let lines = body.split(eol);
  const mixed = eol === '\r\n' ? lines.some((l) => l.includes('\n')) : lines.some((l) => l.endsWith('\r'));
  if (mixed) {
    // Mixed terminators: accept them, normalising to the first one (RFC 8866 §5 asks parsers to accept LF).
    lines = body.split('\n').map((l) => (l.endsWith('\r') ? l.slice(0, -1) : l));
  }
  const state: ParseState = {
    session: [],
    media: [],
    current: undefined,
    seen: new Set(),
    previousType: '',
    mediaLineNumbers: [],
  };
  for (let i = 0; i < lines.length; i++) parseLine(state, lines[i] as string, i + 1);
  checkComplete(state, lines);
  return new SessionDescription(state.session, state.media, eol, finalEol);
}

function parseLine(state: ParseState, line: string, n: number): void {
  const type = line.charCodeAt(0);
  if (line.length < 2 || line.charCodeAt(1) !== 61 /* = */ || type < 97 || type > 122) {
    const reason =
      line.length === 0 ? 'empty line' : "expected '<type>=<value>' with a lower-case type letter";
    throw new SdpParseError(reason, n, line);
  }
  const t = line.charAt(0);
  const value = line.slice(2);
  if (n === 1) {
    if (t !== 'v') throw new SdpParseError('the first line must be v=', n, line);
    if (value !== '0')
      throw new SdpParseError(`unsupported protocol version ${JSON.stringify(value)}`, n, line);
  }
  if (t === 'm') {
    const m = parseMediaLine(value);
    if (!m) throw new SdpParseError("m= must be '<media> <port>[/<count>] <proto> <fmt> …'", n, line);
    if (m.formats.length === 0 && m.port !== 0) throw new SdpParseError('m= lists no format', n, line);
    if (m.protocol.includes('RTP/')) {
      for (const f of m.formats) {
        const pt = parseUint(f);
        if (pt === undefined || pt > 127)
          throw new SdpParseError(`RTP format ${f} is not a payload type 0-127`, n, line);
      }
    }
    state.current = [line];
    state.media.push(new MediaDescription(state.current));
    state.mediaLineNumbers.push(n);
    state.previousType = t;
    return;
  }
  if (state.current) {
    if (SESSION_ONLY.has(t)) throw new SdpParseError(`${t}= is not allowed in a media description`, n, line);
    state.current.push(line);
  } else {
    checkSessionField(state, t, n, line);
    state.session.push(line);
  }
  checkValue(t, value, n, line);
  state.previousType = t;
}

function checkSessionField(state: ParseState, t: string, n: number, line: string): void {
  if (t === 'v' || t === 'o' || t === 's') {
    if (state.seen.has(t)) throw new SdpParseError(`duplicate ${t}= line`, n, line);
    if (t === 'o' && !state.seen.has('v')) throw new SdpParseError('o= must follow v=', n, line);
  }
  if (t === 'r' && state.previousType !== 't' && state.previousType !== 'r') {
    throw new SdpParseError('r= must follow a t= line', n, line);
  }
  state.seen.add(t);
}

function checkValue(t: string, value: string, n: number, line: string): void {
  switch (t) {
    case 'a':
      checkAttribute(value, n, line);
      return;
    case 'o':
      if (!parseOrigin(value)) {
        throw new SdpParseError(
          "o= must be '<username> <sess-id> <sess-version> <nettype> <addrtype> <address>' with numeric id and version",
          n,
          line,
        );
      }
      return;
    case 'c':
      if (!parseConnection(value))
        throw new SdpParseError("c= must be '<nettype> <addrtype> <address>'", n, line);
      return;
    case 'b':
      if (!parseBandwidth(value)) throw new SdpParseError("b= must be '<bwtype>:<bandwidth>'", n, line);
      return;
    case 't':
      if (!parseTimingValue(value)) throw new SdpParseError("t= must be '<start-time> <stop-time>'", n, line);
      return;
    case 'r':
      if (!isValidRepeat(value))
        throw new SdpParseError("r= must be '<interval> <duration> <offset> …'", n, line);
      return;
    case 'z':
      if (!isValidTimeZones(value))
        throw new SdpParseError("z= must be '<adjustment time> <offset> …'", n, line);
      return;
    case 'k':
      if (!isValidKey(value)) throw new SdpParseError("k= must be '<method>[:<encryption key>]'", n, line);
      return;
    default:
      return;
  }
}

function checkAttribute(value: string, n: number, line: string): void {
  const colon = value.indexOf(':');
  const name = colon < 0 ? value : value.slice(0, colon);
  if (!isToken(name)) throw new SdpParseError('attribute name must be a token', n, line);
  if (colon < 0) {
    if (name in ATTRIBUTE_CHECKS) {
      throw new SdpParseError(`a=${name} needs a value: '${ATTRIBUTE_SYNTAX[name] ?? ''}'`, n, line);
    }
    return;
  }
  const check = ATTRIBUTE_CHECKS[name];
  if (check && !check(value.slice(colon + 1))) {
    throw new SdpParseError(`a=${name} must be '${ATTRIBUTE_SYNTAX[name] ?? ''}'`, n, line);
  }
}

function checkComplete(state: ParseState, lines: readonly string[]): void {
  const sessionLines = state.session.length;
  for (const required of ['o', 's', 't']) {
    if (!state.seen.has(required)) {
      throw new SdpParseError(
        `missing ${required}= line in the session part`,
        sessionLines,
        lines[sessionLines - 1],
      );
    }
  }
  const sessionHasC = state.seen.has('c');
  for (let i = 0; i < state.media.length; i++) {
    const m = state.media[i] as MediaDescription;
    // RFC 8866 §5.7: c= at session level or in every media description (a rejected stream needs none).
    if (!sessionHasC && m.port !== 0 && m.fieldValue('c') === undefined) {
      const n = state.mediaLineNumbers[i] as number;
      throw new SdpParseError('media description has no c= line and the session has none', n, lines[n - 1]);
    }
  }
}
