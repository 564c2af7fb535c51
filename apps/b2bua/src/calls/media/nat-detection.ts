import net from 'node:net';
import { parseSdp } from '@switchboard/sdp';
import { parseUri, type SipRequest } from '@switchboard/sip';
import { normalizeHost } from '@switchboard/transactions';
import type { SessionBody } from '../legs/caller-leg.js';
import type { PartyMedia } from './call-media.js';

/**
 * A party is behind NAT when its packets come from another address than the one it writes in its
 * Contact or SDP (the comparison Kamailio's nat_uac_test does with flags 1 and 8): its own view of
 * its address is then private, and media sent there would be lost.
 */
export function callerMedia(
  invite: SipRequest,
  sourceHost: string,
  body: SessionBody | undefined,
): PartyMedia {
  const contactHost = firstContactHost(invite);
  const sdpHost = sdpAddress(body);
  const differs = (h: string | undefined): boolean => isAddress(h) && bare(h) !== bare(sourceHost);
  return { sourceHost, behindNat: differs(contactHost) || differs(sdpHost) };
}

/** A callee branch: the registration's real source (`destination`) against its Contact URI. */
export function calleeMedia(uri: string, destinationHost: string | undefined): PartyMedia {
  let contactHost: string | undefined;
  try {
    const parsed = parseUri(uri);
    contactHost = 'host' in parsed ? parsed.host : undefined;
  } catch {
    contactHost = undefined;
  }
  const sourceHost = destinationHost ?? contactHost ?? '';
  return {
    sourceHost,
    behindNat:
      isAddress(destinationHost) && isAddress(contactHost) && bare(contactHost) !== bare(destinationHost),
  };
}

function firstContactHost(request: SipRequest): string | undefined {
  try {
    const contacts = request.contacts;
    if (contacts === '*' || contacts.length === 0) return undefined;
    const uri = contacts[0]?.uri;
    return uri && 'host' in uri ? uri.host : undefined;
  } catch {
    return undefined;
  }
}

function sdpAddress(body: SessionBody | undefined): string | undefined {
  if (!body || !/^application\/sdp\b/i.test(body.contentType)) return undefined;
  try {
    const sdp = parseSdp(body.content.toString('utf8'));
    const address = sdp.connection?.address ?? sdp.media.find((m) => m.connection)?.connection?.address;
    // 0.0.0.0 is hold (RFC 3264 §8.4), not an address.
    return address === '0.0.0.0' ? undefined : address;
  } catch {
    return undefined;
  }
}

/** Only IP literals are compared: a host name in a Contact says nothing about NAT. */
function isAddress(host: string | undefined): host is string {
  return host !== undefined && net.isIP(bare(host)) !== 0;
}

function bare(host: string): string {
  return normalizeHost(host).toLowerCase();
}
