import { type AuthParams, formatAuthParams, parseAuthParams } from './digest-header.js';
import { DigestParseError } from './digest-errors.js';

/** A `Digest` challenge (WWW-Authenticate / Proxy-Authenticate value, RFC 7616 §3.3). */
export interface DigestChallenge {
  realm: string;
  nonce: string;
  /** As written by the server; absent means MD5. */
  algorithm?: string;
  /** qop options offered, e.g. ['auth']; absent for RFC 2069-style challenges. */
  qop?: string[];
  opaque?: string;
  stale?: boolean;
  domain?: string;
}

function isDigest(p: AuthParams): boolean {
  return p.scheme.toLowerCase() === 'digest';
}

/** Parses a challenge value; a non-Digest scheme or missing realm/nonce is a DigestParseError. */
export function parseDigestChallenge(value: string): DigestChallenge {
  const p = parseAuthParams(value);
  if (!isDigest(p)) throw new DigestParseError(`unsupported scheme ${p.scheme}`, value);
  const realm = p.params.get('realm');
  const nonce = p.params.get('nonce');
  if (realm === undefined) throw new DigestParseError('missing realm', value);
  if (nonce === undefined) throw new DigestParseError('missing nonce', value);
  const c: DigestChallenge = { realm, nonce };
  const algorithm = p.params.get('algorithm');
  if (algorithm !== undefined) c.algorithm = algorithm;
  const qop = p.params.get('qop');
  if (qop !== undefined) {
    c.qop = qop
      .split(',')
      .map((q) => q.trim().toLowerCase())
      .filter((q) => q.length > 0);
  }
  const opaque = p.params.get('opaque');
  if (opaque !== undefined) c.opaque = opaque;
  const stale = p.params.get('stale');
  if (stale !== undefined) c.stale = stale.toLowerCase() === 'true';
  const domain = p.params.get('domain');
  if (domain !== undefined) c.domain = domain;
  return c;
}

/** Serialises a challenge in the form SIP phones accept (realm, nonce, opaque quoted; algorithm, stale bare). */
export function formatDigestChallenge(c: DigestChallenge): string {
  const entries: [string, string, 'quoted' | 'token'][] = [
    ['realm', c.realm, 'quoted'],
    ['nonce', c.nonce, 'quoted'],
  ];
  if (c.domain !== undefined) entries.push(['domain', c.domain, 'quoted']);
  if (c.opaque !== undefined) entries.push(['opaque', c.opaque, 'quoted']);
  if (c.stale) entries.push(['stale', 'true', 'token']);
  if (c.algorithm !== undefined) entries.push(['algorithm', c.algorithm, 'token']);
  if (c.qop !== undefined && c.qop.length > 0) entries.push(['qop', c.qop.join(','), 'quoted']);
  return formatAuthParams('Digest', entries);
}
