import type { SessionDescription } from '../model/session-description.js';
import type { Origin } from '../model/sdp-types.js';

/** Every line except o=, so that two descriptions can be compared for a version bump. */
function contentOf(sdp: SessionDescription): string {
  let s = '';
  for (const l of sdp.lines) if (l.charCodeAt(0) !== 111 /* o */) s += l + '\n';
  for (const m of sdp.media) s += m.lines.join('\n') + '\n';
  return s;
}

/** True when the two descriptions differ in anything but the o= line. */
export function sdpContentChanged(previous: SessionDescription, next: SessionDescription): boolean {
  return contentOf(previous) !== contentOf(next);
}

/**
 * Gives `next` the o= line of `previous`, with the version incremented by one if and only if the
 * description changed (RFC 3264 §8: a re-offer keeps the origin and bumps the version; an
 * unchanged description keeps the same version, RFC 4317 §2.5). Returns `next`.
 */
export function applySessionVersion(
  previous: SessionDescription,
  next: SessionDescription,
): SessionDescription {
  const o: Origin = previous.origin;
  next.origin = sdpContentChanged(previous, next) ? { ...o, sessionVersion: o.sessionVersion + 1n } : o;
  return next;
}
