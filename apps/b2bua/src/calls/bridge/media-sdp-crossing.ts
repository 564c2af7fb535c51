import type { CallMedia, Party } from '../media/call-media.js';
import { partyOfSide } from '../transfer/transfer-media.js';
import type { BridgeSdpCrossing, BridgeSide, Side } from './call-bridge.js';
import type { SessionRefresh } from './session-refresh.js';

/**
 * SDP between `sides` through rtpengine when both parties' media go there (after a blind transfer
 * or a relayed pickup); undefined when they exchange their SDP directly.
 */
export function relayedCrossing(
  media: Pick<CallMedia, 'cross' | 'relaysBetween'>,
  callerCallId: string,
  sides: Record<Side, BridgeSide>,
): BridgeSdpCrossing | undefined {
  const parties = {
    caller: partyOfSide(sides.caller, callerCallId),
    callee: partyOfSide(sides.callee, callerCallId),
  };
  if (!media.relaysBetween(parties.caller, parties.callee)) return undefined;
  return (kind, from, body, deliver) =>
    media.cross(
      { kind, from: parties[from], to: parties[from === 'caller' ? 'callee' : 'caller'] },
      body,
      deliver,
    );
}

/**
 * SDP between the caller and the callee leg `branch` that answered it, through the call's media
 * (anchored or not); the RFC 4028 refresh of the bridge (if any) sees every crossing.
 */
export function answeredCrossing(
  media: Pick<CallMedia, 'cross'>,
  branch: string,
  refresh: () => SessionRefresh | undefined,
): BridgeSdpCrossing {
  return (kind, from, body, deliver) => {
    const callee: Party = { branch };
    media.cross(
      { kind, from: from === 'caller' ? 'caller' : callee, to: from === 'caller' ? callee : 'caller' },
      body,
      (relay) => {
        refresh()?.crossed(kind, from, body, relay);
        deliver(relay);
      },
    );
  };
}
