import { formatAuthParams, parseAuthParams } from './digest-header.js';
import { DigestParseError } from './digest-errors.js';

/** `Digest` credentials (Authorization / Proxy-Authorization value, RFC 7616 §3.4). */
export interface DigestCredentials {
  username: string;
  realm: string;
  nonce: string;
  uri: string;
  response: string;
  /** As written by the client; absent means MD5. */
  algorithm?: string;
  cnonce?: string;
  opaque?: string;
  qop?: string;
  /** Nonce count, 8 hex digits. */
  nc?: string;
}

type RequiredParam = 'username' | 'realm' | 'nonce' | 'uri' | 'response';

/** Parses a credentials value; a non-Digest scheme or a missing required parameter is a DigestParseError. */
export function parseDigestCredentials(value: string): DigestCredentials {
  const p = parseAuthParams(value);
  if (p.scheme.toLowerCase() !== 'digest')
    throw new DigestParseError(`unsupported scheme ${p.scheme}`, value);
  const get = (name: RequiredParam): string => {
    const v = p.params.get(name);
    if (v === undefined) throw new DigestParseError(`missing ${name}`, value);
    return v;
  };
  const c: DigestCredentials = {
    username: get('username'),
    realm: get('realm'),
    nonce: get('nonce'),
    uri: get('uri'),
    response: get('response'),
  };
  for (const name of ['algorithm', 'cnonce', 'opaque', 'qop', 'nc'] as const) {
    const v = p.params.get(name);
    if (v !== undefined) c[name] = v;
  }
  if ((c.qop === undefined) !== (c.nc === undefined) || (c.qop === undefined) !== (c.cnonce === undefined)) {
    // RFC 7616 §3.4: cnonce and nc are present exactly when qop is.
    throw new DigestParseError('qop, nc and cnonce must appear together', value);
  }
  return c;
}

/** Serialises credentials the way RFC 3261 §25.1 writes them (qop, nc, algorithm as tokens). */
export function formatDigestCredentials(c: DigestCredentials): string {
  const entries: [string, string, 'quoted' | 'token'][] = [
    ['username', c.username, 'quoted'],
    ['realm', c.realm, 'quoted'],
    ['nonce', c.nonce, 'quoted'],
    ['uri', c.uri, 'quoted'],
    ['response', c.response, 'quoted'],
  ];
  if (c.algorithm !== undefined) entries.push(['algorithm', c.algorithm, 'token']);
  if (c.cnonce !== undefined) entries.push(['cnonce', c.cnonce, 'quoted']);
  if (c.opaque !== undefined) entries.push(['opaque', c.opaque, 'quoted']);
  if (c.qop !== undefined) entries.push(['qop', c.qop, 'token']);
  if (c.nc !== undefined) entries.push(['nc', c.nc, 'token']);
  return formatAuthParams('Digest', entries);
}
