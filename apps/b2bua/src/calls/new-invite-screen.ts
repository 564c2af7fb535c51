import { answerSessionRefresh } from '@switchboard/dialog';
import { createResponse, type SipRequest, type SipResponse } from '@switchboard/sip';
import { sdpMediaLimitProblem, warningOf } from './bridge/sdp-media-limit.js';
import { intervalTooSmall, sessionTimerViewOf } from './bridge/session-timer-messages.js';
import type { CallDeps } from './call-deps.js';
import { bodyOf } from './legs/caller-leg.js';

/** A new INVITE refused before routing: the final response, and the cause that is logged. */
export interface NewInviteRefusal {
  readonly response: SipResponse;
  readonly cause: string;
}

/**
 * The checks a new INVITE passes before any routing: at most `maxMedia` m-lines in its offer, and a
 * Session-Expires no shorter than our Min-SE when session timers are on. Undefined: it may go on.
 */
export function screenNewInvite(
  request: SipRequest,
  maxMedia: number,
  sessionTimers: CallDeps['sessionTimers'],
): NewInviteRefusal | undefined {
  // Bounded work: an offer over the m-line cap is refused before any SDP is parsed (RFC 3261 §21.4.26).
  const tooMany = sdpMediaLimitProblem(bodyOf(request), maxMedia);
  if (tooMany) {
    return {
      response: createResponse(request, 488, {
        reason: 'Not Acceptable Here',
        headers: [warningOf(tooMany)],
      }),
      cause: tooMany,
    };
  }
  if (!sessionTimers) return undefined;
  // RFC 4028 §9: a Session-Expires below our minimum is refused with ours, before any routing.
  const decision = answerSessionRefresh(sessionTimerViewOf(request), sessionTimers);
  if (decision.kind !== 'reject') return undefined;
  return {
    response: intervalTooSmall(request, decision.minSE),
    cause: `Session-Expires below Min-SE ${decision.minSE}`,
  };
}
