import type { MediaDescription, SessionDefaults } from '../model/media-description.js';
import type { Direction } from '../model/sdp-types.js';

export function sends(d: Direction): boolean {
  return d === 'sendrecv' || d === 'sendonly';
}

export function receives(d: Direction): boolean {
  return d === 'sendrecv' || d === 'recvonly';
}

export function directionOf(send: boolean, receive: boolean): Direction {
  if (send) return receive ? 'sendrecv' : 'sendonly';
  return receive ? 'recvonly' : 'inactive';
}

/**
 * Direction for the answer to an offered direction, limited by the local intent (RFC 3264 §6.1):
 * the answerer may send only if the offerer receives, and receive only if the offerer sends.
 */
export function answerDirection(offered: Direction, local: Direction = 'sendrecv'): Direction {
  return directionOf(receives(offered) && sends(local), sends(offered) && receives(local));
}

/** Whether `answered` is allowed in response to `offered` (RFC 3264 §6.1). */
export function isDirectionAllowed(offered: Direction, answered: Direction): boolean {
  return (!sends(answered) || receives(offered)) && (!receives(answered) || sends(offered));
}

/** How the remote side has put this stream on hold, if it has. */
export type HoldState = 'none' | 'sendonly' | 'inactive' | 'connection-zero';

/**
 * Hold detection for a media description received from the peer: a=sendonly or a=inactive
 * (RFC 3264 §8.4), or the legacy RFC 2543 hold with c=0.0.0.0 (RFC 3264 §8.4, RFC 4317 §5.2).
 * A disabled stream (port 0) is not on hold.
 */
export function detectHold(media: MediaDescription, session: SessionDefaults): HoldState {
  if (media.isDisabled) return 'none';
  const c = media.effectiveConnection(session);
  if (c && (c.address === '0.0.0.0' || c.address === '::')) return 'connection-zero';
  const d = media.effectiveDirection(session);
  if (d === 'sendonly' || d === 'inactive') return d;
  return 'none';
}
