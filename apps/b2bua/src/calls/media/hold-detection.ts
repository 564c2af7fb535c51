import { detectHold, parseSdp } from '@switchboard/sdp';

/**
 * An offer that puts every active stream on hold (RFC 3264 §8.4: sendonly, inactive, or the
 * legacy c=0.0.0.0): the held party may send nothing, so its silence is not a dead call.
 */
export function isOnHold(sdp: string): boolean {
  try {
    const parsed = parseSdp(sdp);
    const active = parsed.media.filter((m) => !m.isDisabled);
    return active.length > 0 && active.every((m) => detectHold(m, parsed) !== 'none');
  } catch {
    return false;
  }
}
