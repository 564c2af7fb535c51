import type { LocalUaLeg } from './local-ua-leg.js';
import type { VoicemailMedia } from './voicemail-media.js';

/**
 * A caller one local application answered and passes on to another (an auto attendant's choice of
 * voicemail): the answered dialog and the RTP end, which the next application takes as they are,
 * without a new answer or re-INVITE.
 */
export interface AnsweredCaller {
  readonly leg: LocalUaLeg;
  readonly media: VoicemailMedia;
}
