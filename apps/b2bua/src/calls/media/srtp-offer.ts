import { parseSdp, type MediaDescription } from '@switchboard/sdp';
import type { SrtpPolicy } from './media-policy.js';

/** RTP m-lines in use (port 0 is a refused or removed stream, RFC 3264 §6). */
function activeRtp(sdp: string): MediaDescription[] {
  return parseSdp(sdp).media.filter((m) => m.isRtp && m.port !== 0);
}

/**
 * The offer asks for SRTP: an RTP/SAVP(F) m-line (RFC 3711 §12, keys by SDES: RFC 4568), or
 * a=crypto on RTP/AVP ("best-effort" SRTP: what baresip's `mediaenc srtp` and Asterisk's
 * optimistic SRTP offer, which rtpengine also terminates).
 */
export function offersSrtp(sdp: string): boolean {
  return activeRtp(sdp).some((m) => m.protocol.includes('SAVP') || m.cryptos.length > 0);
}

/**
 * The RTP profile an offer should carry towards a party, for rtpengine's `transport-protocol`:
 * SAVP(F) when that leg is SRTP, AVP(F) when plain, keeping the feedback profile (RFC 5124) of the
 * offer. Undefined for DTLS-SRTP (UDP/TLS/RTP/SAVP(F), RFC 5764) and offers without RTP: left as is.
 */
export function rtpProfileTowards(sdp: string, srtp: boolean): string | undefined {
  const first = activeRtp(sdp)[0];
  if (!first || !/^RTP\/S?AVPF?$/.test(first.protocol)) return undefined;
  const feedback = first.protocol.endsWith('F') ? 'F' : '';
  return `RTP/${srtp ? 'SAVP' : 'AVP'}${feedback}`;
}

export type OfferCheck =
  { readonly ok: true; readonly sdp: string } | { readonly ok: false; readonly reason: string };

/**
 * An offer from a party, against its SRTP policy.
 * - `required`: an offer without SRTP is refused. RFC 3264 §6 lets the answerer refuse a stream
 *   only by port 0 or the whole offer; a PBX asked to keep this phone's media encrypted must not
 *   answer plain RTP, so the offer gets 488 (RFC 3261 §21.4.26) and the phone may retry with
 *   SRTP. RFC 4568 §8.3 also needs the keys to travel over a secure signalling path (TLS): such a
 *   phone is a TLS phone.
 * - `off`: an RTP/SAVP offer cannot be answered with plain RTP (the answer keeps the offer's
 *   transport, RFC 3264 §6.1), so it is refused 488 too; a best-effort a=crypto on RTP/AVP is
 *   dropped (unknown to a plain answerer, RFC 4566 §5.13), leaving a plain offer.
 * - `optional`: as offered.
 */
export function checkOfferFrom(policy: SrtpPolicy, sdp: string): OfferCheck {
  if (policy === 'optional') return { ok: true, sdp };
  const media = activeRtp(sdp);
  if (policy === 'required') {
    return offersSrtp(sdp)
      ? { ok: true, sdp }
      : { ok: false, reason: 'SRTP required: offer RTP/SAVP with a=crypto (RFC 4568)' };
  }
  if (media.some((m) => m.protocol.includes('SAVP')))
    return { ok: false, reason: 'SRTP is off for this phone: offer RTP/AVP' };
  if (!media.some((m) => m.cryptos.length > 0)) return { ok: true, sdp };
  const parsed = parseSdp(sdp);
  for (const m of parsed.media) if (m.isRtp) m.removeAttributes('crypto');
  return { ok: true, sdp: parsed.toString() };
}
