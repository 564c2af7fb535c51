// Authorization / Proxy-Authorization (credentials) and WWW-Authenticate / Proxy-Authenticate
// (challenge), RFC 3261 §25.1 and RFC 2617 / RFC 8760:
//   auth-scheme LWS auth-param *(COMMA auth-param); auth-param = token EQUAL (token / quoted-string)
import { listElementEnd, scanQuoted, scanToken, skipWs, unquote } from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';

export interface AuthHeader {
  /** Scheme as written ("Digest"); compare case-insensitively. */
  readonly scheme: string;
  /** Parameters by lower-cased name, quoted values unquoted. */
  readonly params: ReadonlyMap<string, string>;
}

export function parseAuthHeader(s: string, header: string): AuthHeader {
  const end = s.length;
  let pos = skipWs(s, 0, end);
  const se = scanToken(s, pos, end);
  if (se === pos) throw headerError(header, 'missing auth scheme');
  const scheme = s.slice(pos, se);
  pos = skipWs(s, se, end);
  if (pos === se) throw headerError(header, 'expected whitespace after scheme');
  const params = new Map<string, string>();
  for (;;) {
    pos = parseAuthParam(s, pos, end, header, params);
    pos = skipWs(s, pos, end);
    if (pos >= end) return { scheme, params };
    if (s.charCodeAt(pos) !== 44) throw headerError(header, `unexpected character '${s[pos]}'`);
    pos = skipWs(s, pos + 1, end);
  }
}

function parseAuthParam(
  s: string,
  pos: number,
  end: number,
  header: string,
  into: Map<string, string>,
): number {
  const ne = scanToken(s, pos, end);
  if (ne === pos) throw headerError(header, 'missing auth parameter');
  const name = s.slice(pos, ne).toLowerCase();
  pos = skipWs(s, ne, end);
  if (s.charCodeAt(pos) !== 61) throw headerError(header, `expected '=' after ${name}`);
  pos = skipWs(s, pos + 1, end);
  let ve: number;
  if (s.charCodeAt(pos) === 34) {
    ve = scanQuoted(s, pos, end);
    if (ve < 0) throw headerError(header, `unterminated quoted value of ${name}`);
  } else {
    ve = scanToken(s, pos, end);
    if (ve === pos) throw headerError(header, `empty value of ${name}`);
  }
  if (into.has(name)) throw headerError(header, `repeated parameter ${name}`);
  into.set(name, unquote(s.slice(pos, ve)));
  return ve;
}

/** Splits several challenges that share one header line ("Digest ..., Basic ..."). */
export function firstChallengeEnd(s: string): number {
  return listElementEnd(s, 0, s.length);
}
