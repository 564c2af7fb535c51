import { escapeUser, parseNameAddr, parseUri, type NameAddr, type SipRequest } from '@switchboard/sip';
import type { CallIdentity } from '../calls/call-routing.js';
import type { InboundTrunk } from './inbound-trunk-directory.js';

/** The caller number of a call whose caller withheld it (or whose From names no number). */
export const ANONYMOUS = 'anonymous';

/**
 * Caller and DID of an INVITE from a trunk, or undefined when it names no DID.
 * - DID: the Request-URI's user (or tel: number), or the To user when the trunk's `didSource` is `to`
 *   (providers that keep our registered Contact in the Request-URI).
 * - Caller: the provider's P-Asserted-Identity (RFC 3325 §9.1: the trunk is a trusted peer), else the
 *   From; with `Privacy: id` (RFC 3323 §4.2, RFC 3325 §9.3) only the From, which is then anonymous.
 *   The extensions see it as `sip:<number>@<our domain>`, so a call back from a phone's call list
 *   dials the number through the PBX.
 */
export function inboundIdentity(
  request: SipRequest,
  trunk: InboundTrunk,
  domain: string,
): CallIdentity | undefined {
  const did = numberOf(trunk.didSource === 'to' ? request.to.uriText : request.requestUri);
  if (did === undefined) return undefined;
  const caller = callerOf(request);
  const number = (caller && numberOf(caller.uriText)) ?? ANONYMOUS;
  const name = caller?.displayName?.trim();
  const ua = request.getHeader('User-Agent');
  return {
    callerUri: `sip:${escapeUser(number)}@${domain}`,
    ...(name ? { callerName: name } : {}),
    ...(ua ? { callerUserAgent: ua } : {}),
    callerTrunk: trunk.name,
    externalNumber: number,
    destination: did,
    requestUri: request.requestUri,
  };
}

function callerOf(request: SipRequest): NameAddr | undefined {
  const privacy = (request.getHeader('Privacy') ?? '').toLowerCase().split(/[;,\s]+/);
  const pai = privacy.includes('id') ? undefined : request.getHeader('P-Asserted-Identity');
  if (pai !== undefined) {
    try {
      // RFC 3325 §9.1: one or two values (sip and tel); the first names the caller.
      return parseNameAddr(pai.split(',')[0] ?? pai, 'P-Asserted-Identity');
    } catch {
      // A malformed PAI is ignored: the From still names the caller.
    }
  }
  return request.from;
}

/** The user part of a sip:/sips: URI or a tel: number; undefined when there is none. */
function numberOf(uriText: string): string | undefined {
  try {
    const uri = parseUri(uriText);
    if (uri.kind === 'tel') return uri.number || undefined;
    if (uri.kind === 'sip' && uri.user) return decodeURIComponent(uri.user);
  } catch {
    // Not a URI we read: no number.
  }
  return undefined;
}
