import { parseUri, type SipRequest } from '@switchboard/sip';
import type { CallIdentity } from './call-routing.js';

/**
 * Caller and destination of the INVITE; undefined for a Request-URI that is not sip:/sips:/tel:.
 * The caller is the authenticated extension (its number in our domain and the name on its record),
 * never what the phone put in From, which any user could set to someone else's number.
 */
export function extensionCallerIdentity(
  request: SipRequest,
  username: string,
  displayName: string | undefined,
  domain: string,
): CallIdentity | undefined {
  let destination: string;
  try {
    const uri = parseUri(request.requestUri);
    if (uri.kind === 'sip') destination = decodeURIComponent(uri.user ?? '');
    else if (uri.kind === 'tel') destination = uri.number;
    else return undefined;
  } catch {
    return undefined;
  }
  const ua = request.getHeader('User-Agent');
  return {
    callerUri: `sip:${encodeURIComponent(username)}@${domain}`,
    ...(displayName ? { callerName: displayName } : {}),
    callerExtension: username,
    ...(ua ? { callerUserAgent: ua } : {}),
    destination,
    requestUri: request.requestUri,
  };
}
