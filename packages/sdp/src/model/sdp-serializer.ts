import type { SessionDescription } from './session-description.js';

/** Serialises a description (RFC 8866 §5); the same as `sdp.toString()`. */
export function serializeSdp(sdp: SessionDescription): string {
  return sdp.toString();
}
