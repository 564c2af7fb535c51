// Plain descriptions of parsed header values, for tests that compare two ways of parsing.
import type { NameAddr, Uri, Via } from '../src/index.js';

/** The observable result of `f`: a plain description, or the error's class and message. */
export function outcome(f: () => unknown): unknown {
  try {
    return describeValue(f());
  } catch (err) {
    return { error: err instanceof Error ? `${err.constructor.name}: ${err.message}` : String(err) };
  }
}

export function describeValue(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(describeValue);
  if (v === '*' || v === undefined) return v;
  if (isVia(v)) return describeVia(v);
  return describeNameAddr(v as NameAddr);
}

function isVia(v: unknown): v is Via {
  return typeof v === 'object' && v !== null && 'protocolName' in v;
}

export function describeVia(v: Via): unknown {
  return {
    protocol: [v.protocolName, v.protocolVersion, v.transport],
    host: v.host,
    port: v.port,
    params: [...v.params],
    branch: v.branch,
    received: v.received,
    rport: outcome(() => v.rport),
    maddr: v.maddr,
    ttl: outcome(() => v.ttl),
  };
}

export function describeNameAddr(na: NameAddr): unknown {
  return {
    display: na.rawDisplayName,
    displayName: na.displayName,
    uriText: na.uriText,
    bracketed: na.bracketed,
    params: [...na.params],
    tag: na.tag,
    expires: outcome(() => na.expires),
    q: outcome(() => na.q),
    uri: outcome(() => describeUri(na.uri)),
  };
}

export function describeUri(u: Uri): unknown {
  if (u.kind !== 'sip') return u;
  return { ...u, params: [...u.params], headers: [...u.headers] };
}
