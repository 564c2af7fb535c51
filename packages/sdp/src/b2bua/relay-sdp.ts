import type { SessionDescription } from '../model/session-description.js';
import type { LocalOrigin } from '../offer-answer/media-capability.js';
import { applySessionVersion } from '../offer-answer/session-version.js';
import { applyCodecPolicy, type CodecPolicy } from './codec-policy.js';
import { rewriteConnection, type ConnectionRewrite } from './rewrite-connection.js';

export interface RelayOptions {
  /** Anchor media: rewrite addresses and ports. Omit to pass addresses through. */
  connection?: ConnectionRewrite;
  /** Filter/reorder codecs. */
  codecPolicy?: CodecPolicy;
  /**
   * o= identity on the outgoing leg: either our previous SDP on that leg (its o= is kept and the
   * version bumped only on change, RFC 3264 §8) or a fresh origin. Omit to keep the peer's o=.
   */
  previous?: SessionDescription;
  origin?: LocalOrigin;
}

export interface RelayResult {
  sdp: SessionDescription;
  /** Streams disabled by the codec policy (port 0). */
  disabled: number[];
}

/**
 * Prepares an SDP received on one leg for the other leg of a B2BUA. The input is not modified.
 * Every m-line of every media type (audio, video, text, application, image, unknown ones) is kept
 * in its position with its attributes, so added streams, removed streams (port 0) and unknown
 * extensions pass through a re-INVITE unchanged.
 */
export function relaySdp(input: SessionDescription, options: RelayOptions = {}): RelayResult {
  const sdp = input.clone();
  if (options.connection) rewriteConnection(sdp, options.connection);
  const disabled = options.codecPolicy ? applyCodecPolicy(sdp, options.codecPolicy).disabled : [];
  if (options.previous) applySessionVersion(options.previous, sdp);
  else if (options.origin) {
    const o = options.origin;
    sdp.origin = {
      username: o.username ?? '-',
      sessionId: o.sessionId,
      sessionVersion: o.sessionVersion ?? BigInt(o.sessionId),
      netType: 'IN',
      addrType: o.addrType ?? 'IP4',
      address: o.address,
    };
  }
  return { sdp, disabled };
}
