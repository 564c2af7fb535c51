import type { Codec, Direction } from '../model/sdp-types.js';
import type { HoldState } from './direction.js';

/** Outcome of answering one offered m-line. */
export interface NegotiatedStream {
  /** Position of the m-line (the same in offer and answer). */
  index: number;
  media: string;
  protocol: string;
  accepted: boolean;
  /** Why the stream was rejected (port 0), when it was. */
  rejectReason?: 'disabled-in-offer' | 'unsupported-media' | 'unsupported-protocol' | 'no-common-format';
  /** Codecs in the answer, with the offerer's payload type numbers (RTP only). */
  codecs: Codec[];
  /** Payload type of telephone-event in the answer, if negotiated. */
  telephoneEventPayloadType?: number;
  /** Non-RTP formats in the answer. */
  formats: string[];
  /** Direction written in (or implied by) the answer, from the answerer's point of view. */
  direction: Direction;
  /** How the offerer holds this stream (RFC 3264 §8.4), 'none' if it does not. */
  remoteHold: HoldState;
  /** Where to send media: the offer's address and port for this stream. */
  remoteAddress?: string;
  remotePort: number;
}
