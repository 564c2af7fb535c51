import { parseSdp } from '@switchboard/sdp';
import type { BridgeSdpCrossing, Side } from '../bridge/call-bridge.js';
import { other } from '../bridge/relayed-invites.js';
import type { BridgeSide } from '../bridge/call-bridge.js';
import type { SessionBody } from '../legs/caller-leg.js';
import { isOnHold } from '../media/hold-detection.js';
import { HeldLegMusic, type HeldLegMusicDeps } from './held-leg-music.js';
import { sdpOf } from './hold-music-offer.js';
import { LegSdpState } from './leg-sdp-state.js';

export interface BridgeHoldMusicOptions extends HeldLegMusicDeps {
  /** The two legs' dialogs (the music re-INVITE goes in the held one). */
  readonly sides: () => Record<Side, BridgeSide> | undefined;
  /** The class the holder on `side` plays to the other party. */
  readonly classOf: (holder: Side) => Promise<string>;
  /** What each leg was sent and sent when the call was answered (offer/answer of the INVITE). */
  readonly initial: Record<Side, { sent?: SessionBody; own?: SessionBody }>;
}

/**
 * Music on hold for a bridged call. The hold itself is relayed as ever (the holder's offer goes to
 * the held party, whose real answer goes back: the holder's phone sees the held phone's recvonly or
 * inactive answer, and late offers work the same way). Once an offer/answer exchange has completed
 * (its answer crossed), this watcher looks at it: the party whose SDP stopped receiving — a=sendonly,
 * a=inactive or c=0.0.0.0 in its offer (RFC 3264 §8.4, RFC 6337 §5.3), or such an answer to an offer
 * that sent and received (sendrecv) — holds; the other party, if it does not hold too, gets music: the PBX
 * re-INVITEs its leg toward its own RTP source (HeldLegMusic). Any later exchange (the resume, or any
 * new offer from either side) is relayed to both legs as usual, which points the held leg back at the
 * other party's media — through rtpengine when the call is anchored, since the relay crosses it — so
 * the music stops there and starts again only if someone still holds.
 */
export class BridgeHoldMusic {
  private readonly legs: Record<Side, LegSdpState>;
  private pendingOffer: { from: Side; sdp: string } | undefined;
  private readonly music: Partial<Record<Side, HeldLegMusic>> = {};
  private closed = false;

  constructor(private readonly options: BridgeHoldMusicOptions) {
    const { caller, callee } = options.initial;
    this.legs = {
      caller: new LegSdpState(caller.sent, caller.own),
      callee: new LegSdpState(callee.sent, callee.own),
    };
  }

  /** `crossing` (the call's SDP crossing) with the hold watch around it. */
  wrap(crossing: BridgeSdpCrossing): BridgeSdpCrossing {
    return (kind, from, body, deliver) =>
      crossing(kind, from, body, (relay) => {
        if (!relay.ok || this.closed) return deliver(relay);
        const to = other(from);
        this.legs[from].heard(body);
        const delivered = this.legs[to].deliver(relay.body);
        deliver({ ...relay, body: delivered });
        this.crossed(kind, from, body);
      });
  }

  /** What a leg was sent and sent (park keeps using it when it takes the parked leg). */
  sdpOf(side: Side): LegSdpState {
    return this.legs[side];
  }

  /** The call ended, was transferred or parked: no more music from this bridge. */
  close(): void {
    this.closed = true;
    for (const side of ['caller', 'callee'] as const) this.stopMusic(side);
  }

  private crossed(kind: 'offer' | 'answer', from: Side, body: SessionBody | undefined): void {
    const sdp = sdpOf(body);
    if (!sdp) return; // a bodyless offer (late offer to come), INFO bodies
    if (kind === 'offer') {
      this.pendingOffer = { from, sdp: sdp.toString() };
      return;
    }
    const offer = this.pendingOffer;
    this.pendingOffer = undefined;
    if (offer?.from !== other(from)) return;
    // Both legs were just sent the new descriptions: any music they were hearing is gone.
    this.stopMusic('caller');
    this.stopMusic('callee');
    const offererHolds = isOnHold(offer.sdp);
    const answererHolds = isOnHold(sdp.toString()) && sendsAndReceives(offer.sdp);
    if (offererHolds && !answererHolds) this.startMusic(from, offer.from);
    else if (answererHolds && !offererHolds) this.startMusic(offer.from, from);
  }

  private startMusic(held: Side, holder: Side): void {
    const side = this.options.sides()?.[held];
    if (!side) return;
    const music = new HeldLegMusic(
      this.options,
      { side, name: held, sdp: this.legs[held] },
      this.options.classOf(holder),
    );
    this.music[held] = music;
    music.start();
  }

  private stopMusic(side: Side): void {
    this.music[side]?.stop();
    this.music[side] = undefined;
  }
}

/**
 * An offer that both sends and receives: only then is a sendonly/inactive answer the answerer's own
 * hold (to a sendonly or inactive offer it is the forced reply, RFC 3264 §6.1).
 */
function sendsAndReceives(sdp: string): boolean {
  try {
    const parsed = parseSdp(sdp);
    return parsed.media.filter((m) => !m.isDisabled).some((m) => m.effectiveDirection(parsed) === 'sendrecv');
  } catch {
    return false;
  }
}
