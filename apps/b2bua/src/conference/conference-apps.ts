import type { Clock } from '@switchboard/transactions';
import type { AdHocRoom } from '../calls/three-way/three-way-call.js';
import type { LocalCall, LocalCallContext } from '../voicemail/local-call.js';

/** Conference rooms as seen by call control (provided by ConferenceModule under CONFERENCE_APPS). */
export interface ConferenceApps {
  /** The plan ended in conference(room): answer, check the PIN and join the caller to the room. */
  join(context: LocalCallContext, room: string): LocalCall;
  /**
   * A room for one call's three-way conference (`call`: the call id), not a row of conference_rooms:
   * it exists while the call does and holds at most 32 participants.
   */
  openAdHoc(call: string, clock: Clock): AdHocRoom;
}

export const CONFERENCE_APPS = Symbol('ConferenceApps');
