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
  /** Is `destination` the RFC 4579 conference factory (SWITCHBOARD_CONFERENCE_FACTORY)? */
  isFactory(destination: string): boolean;
  /**
   * RFC 4579 §3.2: the factory creates an ad-hoc room; returns its id, the user part of its
   * conference URI. `join` takes it like a room number until the room is empty again.
   */
  openFactoryRoom(): string;
  /** Is `destination` a factory-made room still open (an INVITE or a REFER to its URI joins it)? */
  isFactoryRoom(destination: string): boolean;
}

export const CONFERENCE_APPS = Symbol('ConferenceApps');
