import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';

/** Conference rooms as seen by call control (provided by ConferenceModule under CONFERENCE_APPS). */
export interface ConferenceApps {
  /** The plan ended in conference(room): answer, check the PIN and join the caller to the room. */
  join(context: LocalCallContext, room: string): LocalCall;
}

export const CONFERENCE_APPS = Symbol('ConferenceApps');
