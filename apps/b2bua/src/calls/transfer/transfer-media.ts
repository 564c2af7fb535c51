import type { BodyRelay } from '../bridge/session-body-relay.js';
import type { BridgeSide } from '../bridge/call-bridge.js';
import type { SessionBody } from '../legs/caller-leg.js';
import type { CallMedia, Party, PartyMedia } from '../media/call-media.js';

/**
 * How a blind transfer's SDP crosses the call's media anchor (RFC 3725 flow I through rtpengine):
 * the target's leg is opened as a relay branch, its offer (in its 2xx) reaches the transferee with
 * rtpengine's ports, the transferee's answer reaches the target the same way, and the party the
 * target replaced leaves rtpengine. Without a relay for the pair each step passes the SDP as is.
 */
export interface TransferMedia {
  /** The target's leg `branch` starts (before its INVITE). */
  open(branch: string, callee: PartyMedia): void;
  /** The target's offer, from its 2xx, on its way to the transferee. */
  offer(branch: string, body: SessionBody, deliver: (relay: BodyRelay) => void): void;
  /** The transferee's answer (its 2xx to the re-INVITE), on its way to the target's ACK. */
  answer(branch: string, body: SessionBody | undefined, deliver: (relay: BodyRelay) => void): void;
  /** The target answered and took the place of the replaced party: that party leaves the relay. */
  replaced(): void;
  /** Where the transferee is for the relay (NAT, policy): a call taking it over opens it so. */
  transfereeMedia(): PartyMedia | undefined;
}

/** The media relay's party of a bridge side: the caller's own dialog, else the callee leg of its Call-ID. */
export function partyOfSide(side: BridgeSide, callerCallId: string): Party {
  const callId = side.dialog.id.callId;
  return callId === callerCallId ? 'caller' : { branch: callId };
}

/** A transfer of `transferee` away from `replaced` (the transferor) through the call's CallMedia. */
export function transferMedia(media: CallMedia, transferee: Party, replaced: Party): TransferMedia {
  return {
    open: (branch, callee) => {
      media.openTarget(branch, callee, transferee, replaced);
    },
    offer: (branch, body, deliver) =>
      media.cross({ kind: 'offer', from: { branch }, to: transferee }, body, deliver),
    answer: (branch, body, deliver) =>
      media.cross({ kind: 'answer', from: transferee, to: { branch } }, body, deliver),
    replaced: () => media.leave(replaced),
    transfereeMedia: () => media.partyMedia(transferee),
  };
}
