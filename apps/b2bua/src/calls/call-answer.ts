import type { IncomingRequest } from '@switchboard/dialog';
import type { SipMessage, SipRequest, SipResponse } from '@switchboard/sip';
import type { ServerTransaction, TimerHandle } from '@switchboard/transactions';
import {
  CallBridge,
  type BridgeHooks,
  type BridgeSdpCrossing,
  type BridgeSide,
  type Side,
} from './bridge/call-bridge.js';
import { warningOf } from './bridge/sdp-media-limit.js';
import { SessionRefresh, calleeLegTimer, callerLegTimer } from './bridge/session-refresh.js';
import type { CallBranchLauncher } from './call-branch-launcher.js';
import type { CallDeps } from './call-deps.js';
import type { CallEnding, CallLogIds } from './call-session-hooks.js';
import type { CalleeLeg } from './legs/callee-leg.js';
import { bodyOf, type CallerLeg, type SessionBody } from './legs/caller-leg.js';
import type { InDialogRoute } from './legs/in-dialog-route.js';
import type { CallMedia } from './media/call-media.js';
import { ThreeWayFeature, type ThreeWayFeatureHost } from './three-way/three-way-feature.js';
import { recordingSubjects, type RecordingPlan } from '../recordings/recording-policy.js';
import type { BridgeHoldMusic, BridgeHoldMusicOptions } from './hold/bridge-hold-music.js';
import { callHoldMusic } from './hold/call-hold-music.js';
import { HeldLegMusic } from './hold/held-leg-music.js';
import { relayBody } from './bridge/session-body-relay.js';
import { answeredCrossing, relayedCrossing } from './bridge/media-sdp-crossing.js';
import { extensionKey } from './lamps/dialog-lamp.js';

/** The requests and ACKs of an answered call's legs: its bridge's, or its three-way room's. */
export type BridgedRequests = Pick<CallBridge, 'handleRequest' | 'handleAck'>;

/** What a call's answer reads from its session (passed in, not the whole session). */
export interface CallAnswerHost extends CallEnding {
  readonly deps: CallDeps;
  readonly caller: CallerLeg;
  readonly media: CallMedia;
  readonly launcher: CallBranchLauncher;
  readonly log: CallLogIds;
  recording(): RecordingPlan | undefined;
  /** The session is `answering`: 2xx taken from a callee, the caller's ACK still to come. */
  answering(): boolean;
  /** The session is `answering` or `bridged`. */
  connected(): boolean;
  /** Who placed the call, its legs in the call table and the record (three-way calling). */
  readonly threeWay: Pick<ThreeWayFeatureHost, 'identity' | 'legStarted' | 'addLegs' | 'trunks'>;
  /** A REFER on the bridged call (see BridgeHooks.onRefer). */
  refer(
    from: Side,
    sides: Record<Side, BridgeSide>,
    request: SipRequest,
    tx: ServerTransaction<SipMessage>,
    inbound: IncomingRequest,
  ): void;
}

/**
 * The answered side of a call: the winning callee leg, its 2xx relayed to the caller, the bridge of
 * the two dialogs, RFC 4028 session timers and SWITCHBOARD_MAX_CALL_SECONDS.
 */
export class CallAnswer {
  private winnerLeg: CalleeLeg | undefined;
  /** The answering target's key (extension number, AOR or URI). */
  private answeredKey: string | undefined;
  private callBridge: CallBridge | undefined;
  /** RFC 4028 session timers of the bridged legs (absent: off). */
  private refresh: SessionRefresh | undefined;
  // SWITCHBOARD_MAX_CALL_SECONDS, armed when the call is answered.
  private maxDuration: TimerHandle | undefined;
  /** Music for the party the other one holds (absent: music on hold is off). */
  private holdMusic: BridgeHoldMusic | undefined;
  /** Call pickup: the picker's INVITE, answered by us (its 2xx is retransmitted until its ACK). */
  private picker: CallerLeg | undefined;
  /** The three-way feature code; once used, the call is an ad-hoc conference. */
  private readonly threeWay: ThreeWayFeature;

  constructor(private readonly host: CallAnswerHost) {
    this.threeWay = new ThreeWayFeature({
      ...host.threeWay,
      deps: host.deps,
      log: host.log,
      invite: host.caller.invite,
      answeredKey: () => this.answeredKey,
      sides: () => this.sides(),
      retireBridge: () => this.retire(),
      end: (side, cause) => host.end('answered', side, cause),
    });
  }

  /** Where the answered call's in-dialog requests go: the bridge, or the three-way room. */
  get bridge(): BridgedRequests | undefined {
    return this.threeWay.call ?? this.callBridge;
  }

  /** `leg` answered while the caller still waits: its 2xx goes to the caller once its SDP is relayed. */
  accept(leg: CalleeLeg, response: SipResponse, targetKey: string): void {
    const { caller, media } = this.host;
    this.winnerLeg = leg;
    this.answeredKey = targetKey;
    this.armMaxDuration();
    const toTag = caller.earlyTag(leg.callId, response.to.tag);
    media.cross(this.host.launcher.calleeSdp(leg.callId), bodyOf(response), (relay) => {
      if (!this.host.answering() || !caller.open || !leg.dialog || !leg.route) {
        leg.hangUp();
        return;
      }
      if (!relay.ok && relay.warnCode !== undefined) {
        // A late offer (2xx to our INVITE without SDP) the callee's SRTP policy refuses: ACK, BYE.
        leg.ackAnswer(undefined);
        leg.hangUp();
        this.host.failTo(
          488,
          'Not Acceptable Here',
          [warningOf(relay.reason, relay.warnCode)],
          'failed',
          'SRTP policy',
        );
        return;
      }
      this.bridgeAnswered(
        leg,
        leg.dialog,
        leg.route,
        relay.ok ? relay.body : bodyOf(response),
        toTag,
        response,
      );
    });
  }

  /** Late offer: the caller's answer rides in its ACK and goes on in ours (RFC 3264 §4). */
  callerAcked(ack: SipRequest): void {
    const winner = this.winnerLeg;
    if (!winner?.awaitingAnswer) return;
    this.host.media.cross(
      { kind: 'answer', from: 'caller', to: { branch: winner.callId } },
      bodyOf(ack),
      (a) => winner.ackAnswer(a.ok ? a.body : undefined),
    );
  }

  /** BYE on both legs of an answered call (the callee's 2xx is ACKed first if still pending). */
  hangUp(cause: string): void {
    this.winnerLeg?.ackAnswer(undefined);
    if (!this.callBridge) {
      // Answered by the callee, its SDP still with the media relay: the caller gets no 2xx now.
      this.winnerLeg?.hangUp();
      if (this.host.caller.open) this.host.caller.reject(503, 'Service Unavailable');
    }
    this.callBridge?.hangUpBoth();
    this.threeWay.call?.hangUpAll(cause);
    this.host.end('answered', 'system', cause);
  }

  /** A key `side`'s phone pressed as an RFC 4733 event in the anchored RTP (rtpengine reported it). */
  mediaDigit(side: Side, digit: string): void {
    if (this.callBridge) this.threeWay.press(side, digit);
  }

  /** The bridge's two sides (undefined before the call is bridged). */
  sides(): Record<Side, BridgeSide> | undefined {
    const b = this.callBridge;
    return b && { caller: b.side('caller'), callee: b.side('callee') };
  }

  /**
   * A transfer moved one side to a new party: the old bridge is retired (no BYE) and a new one joins
   * `sides`. When the two parties' media go through rtpengine (a blind transfer re-offered them
   * there), later SDP crosses it too; else as is (the parties exchanged their SDP directly, e.g. an
   * attended transfer's consultation party). RFC 4028 refreshes of the old legs stop.
   */
  rebridge(sides: Record<Side, BridgeSide>, answeredKey: string): void {
    this.refresh?.stop();
    this.refresh = undefined;
    this.callBridge?.retire();
    this.answeredKey = answeredKey;
    this.callBridge = this.plainBridge(sides, this.relayedCrossing(sides));
  }

  /** SDP between `sides` through rtpengine when both parties' media go there (else undefined). */
  private relayedCrossing(sides: Record<Side, BridgeSide>): BridgeSdpCrossing | undefined {
    return relayedCrossing(this.host.media, this.host.caller.invite.callId, sides);
  }

  /**
   * The bridge relays nothing more, its timers and music stop: another call took a party over
   * (replaces/), or the call became a three-way room.
   */
  retire(): void {
    this.refresh?.stop();
    this.refresh = undefined;
    this.holdMusic?.close();
    this.callBridge?.retire();
  }

  /**
   * The call was parked: the bridge relays nothing more; the parked party's BYE still ends the call.
   * The party on `parkedSide` gets music (the `parker` extension's class) until it leaves the slot.
   */
  park(parkedSide: Side, parker: string | undefined): HeldLegMusic | undefined {
    this.refresh?.stop();
    this.refresh = undefined;
    const side = this.sides()?.[parkedSide];
    const sdp = this.holdMusic?.sdpOf(parkedSide);
    this.holdMusic?.close();
    this.callBridge?.retire();
    const { deps, log } = this.host;
    const moh = deps.musicOnHold;
    if (!moh || !side || !sdp) return undefined;
    const music = new HeldLegMusic(
      { moh, clock: deps.port.clock, logger: deps.logger, log },
      { side, name: parkedSide, sdp },
      moh.classOf(parker),
    );
    music.start();
    return music;
  }

  /**
   * The caller dialled a park slot and the parked party already answered its offer (park-retrieval):
   * the 2xx goes to the caller and the two dialogs become a bridge.
   */
  acceptParked(parked: BridgeSide, answer: SessionBody | undefined, answeredKey: string): void {
    const { caller } = this.host;
    this.answeredKey = answeredKey;
    const callerDialog = caller.answer(answer, {}, this.noAckFrom('caller'));
    const sides: Record<Side, BridgeSide> = {
      caller: { dialog: callerDialog, route: caller.route, contact: caller.contact },
      callee: parked,
    };
    // Relayed when the take-over crossed rtpengine (calls/takeover/): later re-INVITEs do too.
    this.callBridge = this.plainBridge(sides, this.relayedCrossing(sides));
  }

  /**
   * Call pickup (calls/pickup/): the ringing caller and the picker each get a 2xx with the answer to
   * their own offer (pickup-sdp.ts), and the two UAS dialogs become a bridge, the picker on the
   * callee side.
   */
  acceptPicked(picker: CallerLeg, toCaller: SessionBody, toPicker: SessionBody, answeredKey: string): void {
    const { deps, caller } = this.host;
    this.answeredKey = answeredKey;
    this.picker = picker;
    this.armMaxDuration();
    const callerDialog = caller.answer(toCaller, {}, this.noAckFrom('caller'));
    const pickerDialog = picker.answer(toPicker, {}, this.noAckFrom('picker'));
    const sides: Record<Side, BridgeSide> = {
      caller: { dialog: callerDialog, route: caller.route, contact: caller.contact },
      callee: { dialog: pickerDialog, route: picker.route, contact: picker.contact },
    };
    // A relayed pickup (pickup-media.ts): later re-INVITEs of caller and picker cross rtpengine too.
    this.callBridge = new CallBridge(
      deps.port,
      sides,
      this.bridgeHooks(),
      deps.allow,
      this.relayedCrossing(sides),
    );
  }

  /** A 2xx of ours that `who` never ACKed: the session ends with BYE on both legs (RFC 3261 §13.3.1.4, 64*T1). */
  private noAckFrom(who: 'caller' | 'picker'): () => void {
    return () => {
      this.callBridge?.hangUpBoth();
      this.host.end('failed', 'system', `no ACK from ${who}`);
    };
  }

  /** An ACK on the callee side: the picker's for its 2xx stops that 2xx's retransmissions. */
  calleeAcked(ack: SipRequest): void {
    const picker = this.picker;
    if (picker && ack.callId === picker.invite.callId && ack.cseq.seq === picker.invite.cseq.seq)
      picker.acked();
  }

  /** The call ended: no more timers of the answered call. */
  stop(): void {
    this.maxDuration?.cancel();
    this.refresh?.stop();
    this.threeWay.stop();
    this.holdMusic?.close();
    this.picker?.dispose();
  }

  /**
   * A bridge whose SDP crosses as is (after a park retrieval or an attended transfer the parties
   * exchanged their SDP directly) or through `relayed`, with a fresh music-on-hold watch.
   */
  private plainBridge(sides: Record<Side, BridgeSide>, relayed?: BridgeSdpCrossing): CallBridge {
    const { deps } = this.host;
    this.holdMusic?.close();
    this.holdMusic = this.watchHold();
    const checkOnly: BridgeSdpCrossing = (_kind, _from, body, deliver) => deliver(relayBody(body));
    const through = relayed ?? checkOnly;
    const crossing = this.holdMusic ? this.holdMusic.wrap(through) : through;
    return new CallBridge(deps.port, sides, this.bridgeHooks(), deps.allow, crossing);
  }

  private watchHold(initial?: BridgeHoldMusicOptions['initial']): BridgeHoldMusic | undefined {
    return callHoldMusic(
      this.host.deps,
      this.host.log,
      () => this.sides(),
      (side) => (side === 'caller' ? this.host.launcher.callerExtension : extensionKey(this.answeredKey)),
      initial,
    );
  }

  private armMaxDuration(): void {
    const { deps } = this.host;
    if (deps.maxCallMs <= 0) return;
    this.maxDuration = deps.port.clock.schedule(deps.maxCallMs, () => {
      if (this.host.connected()) this.hangUp('max call duration');
    });
  }

  private bridgeHooks(): BridgeHooks {
    const { deps, log } = this.host;
    return {
      onHangup: (side) => this.host.end('answered', side, 'BYE'),
      onAckFailed: (side, err) => deps.logger.warn({ ...log, side, err }, 'ACK not sent'),
      onEnded: (cause) => {
        deps.logger.warn({ ...log, cause }, 'call ended with BYE');
        this.host.end('answered', 'system', cause);
      },
      onInfo: (from, request) => this.threeWay.observe(from, request),
      onRefer: (from, request, tx, inbound) => {
        const sides = this.sides();
        if (sides) this.host.refer(from, sides, request, tx, inbound);
      },
    };
  }

  /** The 2xx goes to the caller with the (relayed) answer, and the two dialogs become a bridge. */
  private bridgeAnswered(
    leg: CalleeLeg,
    calleeDialog: NonNullable<CalleeLeg['dialog']>,
    calleeRoute: InDialogRoute,
    answer: SessionBody | undefined,
    toTag: string,
    calleeAnswer: SipResponse,
  ): void {
    const { deps, caller, media, log } = this.host;
    const timers = deps.sessionTimers;
    const callerTimer = timers ? callerLegTimer(caller.invite, answer, timers) : undefined;
    const callerDialog = caller.answer(
      answer,
      {},
      () => {
        // §13.3.1.4: no ACK within 64*T1 — the session ends with BYE on both legs.
        leg.ackAnswer(undefined);
        this.callBridge?.hangUpBoth();
        this.host.end('failed', 'system', 'no ACK from caller');
      },
      toTag,
      callerTimer?.headers,
    );
    if (leg.answerReceivedAt !== undefined)
      deps.latency?.record('okInToOut', deps.port.clock.now() - leg.answerReceivedAt);
    media.answered();
    media.record(recordingSubjects(this.host.recording(), this.answeredKey), leg.callId);
    const sides: Record<Side, BridgeSide> = {
      caller: { dialog: callerDialog, route: caller.route, contact: caller.contact },
      callee: { dialog: calleeDialog, route: calleeRoute, contact: leg.localContact },
    };
    const calleeTimers = leg.sessionTimers;
    if (callerTimer && calleeTimers) {
      this.refresh = new SessionRefresh({
        sides,
        legs: { caller: callerTimer.leg, callee: calleeLegTimer(calleeAnswer, leg.init.body, calleeTimers) },
        clock: deps.port.clock,
        allow: deps.allow,
        logger: deps.logger,
        call: { id: log.call, callId: log.callId },
        onEnd: (_side, cause) => this.hangUp(cause),
      });
    }
    this.holdMusic = this.watchHold({
      caller: { sent: answer, own: bodyOf(caller.invite) },
      callee: { sent: leg.init.body, own: bodyOf(calleeAnswer) },
    });
    const crossing = answeredCrossing(media, leg.callId, () => this.refresh);
    this.callBridge = new CallBridge(
      deps.port,
      sides,
      this.bridgeHooks(),
      deps.allow,
      this.holdMusic ? this.holdMusic.wrap(crossing) : crossing,
      this.refresh,
    );
  }
}
