import type { SipRequest } from '@switchboard/sip';

/** True when a URI (bare or inside `<>`, as in a Route value) has the sips scheme. */
export function isSipsUri(text: string | undefined): boolean {
  if (text === undefined) return false;
  const inner = text.trimStart();
  const open = inner.indexOf('<');
  return (open >= 0 ? inner.slice(open + 1) : inner).slice(0, 5).toLowerCase() === 'sips:';
}

/**
 * RFC 3261 §8.1.1.8: a request we send needs a SIPS Contact only when its Request-URI or top Route
 * is a SIPS URI. TLS alone does not make the Contact `sips:` (RFC 5630 §3.1.1: SIPS is end-to-end,
 * TLS is per hop); a phone that reached us over TLS with `sip:` URIs must get `sip:…;transport=tls`.
 */
export function uacNeedsSipsContact(requestUri: string, routes: readonly string[] = []): boolean {
  return isSipsUri(requestUri) || isSipsUri(routes[0]);
}

/**
 * RFC 3261 §12.1.1: our Contact in a response that creates a dialog is a SIPS URI when the request's
 * Request-URI or top Record-Route was a SIPS URI, or its Contact when it had no Record-Route.
 */
export function uasNeedsSipsContact(request: SipRequest): boolean {
  if (isSipsUri(request.requestUri)) return true;
  const recordRoute = request.getHeaderValues('Record-Route');
  if (recordRoute.length > 0) return isSipsUri(recordRoute[0]);
  return isSipsUri(request.getHeaderValues('Contact')[0]);
}
