import type { SessionBody } from '../legs/caller-leg.js';
import type { CallMedia } from '../media/call-media.js';
import { crossOffers, type CrossedAnswers } from './pickup-sdp.js';

/**
 * A pickup whose ringing caller's media go through rtpengine (CallMedia.openPicker): the caller's
 * offer crosses ng `offer` towards the picker's leg (its own tag and via-branch `branch`), the
 * picker's offer is answered from rtpengine's SDP, and the caller's answer, built from the
 * picker's offer, crosses ng `answer` from the picker's tag (RFC 3264 §6 on both legs, issue #19).
 * Each phone then sees rtpengine's address and ports, never the other phone's.
 */
export function relayedPickupAnswers(
  media: CallMedia,
  branch: string,
  callerOffer: SessionBody | undefined,
  pickerOffer: SessionBody | undefined,
  done: (answers: CrossedAnswers) => void,
): void {
  media.cross({ kind: 'offer', from: 'caller', to: { branch } }, callerOffer, (offer) => {
    if (!offer.ok) return done({ ok: false, reason: offer.reason });
    const sdp = crossOffers(offer.body, pickerOffer);
    if (!sdp.ok) return done(sdp);
    media.cross({ kind: 'answer', from: { branch }, to: 'caller' }, sdp.toCaller, (answer) => {
      if (!answer.ok || !answer.body)
        return done({ ok: false, reason: answer.ok ? 'no answer for the caller' : answer.reason });
      done({ ok: true, toCaller: answer.body, toPicker: sdp.toPicker });
    });
  });
}
