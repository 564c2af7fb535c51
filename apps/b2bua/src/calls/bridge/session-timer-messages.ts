import { TIMER_OPTION_TAG, type SessionTimerView } from '@switchboard/dialog';
import { createResponse, type SipMessage, type SipRequest, type SipResponse } from '@switchboard/sip';

/**
 * The RFC 4028 header values of a message (Session-Expires, Min-SE, `timer` in Supported or
 * Require) for the negotiation functions. Headers were checked when the message was parsed; one
 * that still cannot be read counts as absent.
 */
export function sessionTimerViewOf(message: SipMessage): SessionTimerView {
  const tagged = (tokens: () => readonly string[]): boolean =>
    readOr(() => tokens().some((t) => t.toLowerCase() === TIMER_OPTION_TAG), false);
  const se = readOr(() => message.sessionExpires, undefined);
  const minSE = readOr(() => message.minSE?.seconds, undefined);
  return {
    ...(se ? { sessionExpires: { seconds: se.seconds, refresher: se.refresher } } : {}),
    ...(minSE === undefined ? {} : { minSE }),
    supportsTimer: tagged(() => message.supported) || tagged(() => message.require),
  };
}

/** RFC 4028 §6: 422 with the smallest interval we accept. */
export function intervalTooSmall(request: SipRequest, minSE: number): SipResponse {
  return createResponse(request, 422, {
    reason: 'Session Interval Too Small',
    headers: [['Min-SE', String(minSE)]],
  });
}

/** The peer lists UPDATE in Allow (RFC 3311 §4), so a session refresh can go without SDP. */
export function allowsUpdate(message: SipMessage): boolean {
  return readOr(() => message.allow.some((m) => m.toUpperCase() === 'UPDATE'), false);
}

function readOr<T>(read: () => T, fallback: T): T {
  try {
    return read();
  } catch {
    return fallback;
  }
}
