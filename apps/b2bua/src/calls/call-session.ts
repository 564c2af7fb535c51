import { randomUUID } from 'node:crypto';
import { incomingRequestFromSip } from '@switchboard/dialog';
import type { CallAttempt, DialStep, FailureOutcome } from '@switchboard/plugin-sdk';
import type { SipMessage, SipRequest, SipResponse } from '@switchboard/sip';
import type { ServerTransaction } from '@switchboard/transactions';
import type { BridgeSide, Side } from './bridge/call-bridge.js';
import { CallAnswer } from './call-answer.js';
import { CallBranchLauncher } from './call-branch-launcher.js';
import type { CallDeps, CallTableHooks } from './call-deps.js';
import type { CallEnding, CallLogIds } from './call-session-hooks.js';
import { CallerMediaReadiness } from './caller-media-readiness.js';
import { bodyOf, CallerLeg, type SessionBody } from './legs/caller-leg.js';
import { CallLamps } from './lamps/call-lamps.js';
import { extensionKey } from './lamps/dialog-lamp.js';
import { CallMedia } from './media/call-media.js';
import { partyOfSide, transferMedia } from './transfer/transfer-media.js';
import { callerMedia } from './media/nat-detection.js';
import { CallTrunkLegs } from './legs/call-trunk-legs.js';
import type {
  BranchHandle,
  BranchLauncher,
  BranchListener,
  BranchSpec,
  TargetExpander,
} from './plan/branch-types.js';
import { planEndResponse } from './plan/plan-end-response.js';
import { PlanExecutor, type PlanEnd } from './plan/plan-executor.js';
import type { Disposition, HangupSide } from './records/call-record-builder.js';
import { callDirection, inboundOf } from './records/call-direction.js';
import { reportCallEnd } from './records/call-end-report.js';
import { CallTimeline } from './records/call-timeline.js';
import { routeCall, type CallIdentity } from './call-routing.js';
import type { RecordingPlan } from '../recordings/recording-policy.js';
import type {
  HandOver,
  HandOverListener,
  HandOverRequest,
  LocalCall,
  LocalCallContext,
  LocalCallEnd,
} from '../voicemail/local-call.js';
import { ReferHandler } from './transfer/refer-handler.js';
import { startHandOver } from './transfer/local-hand-over.js';
import { parkNumberDialled } from './park/park-retrieval.js';
import { CallTakeover } from './takeover/call-takeover.js';
import { pickupRecord, type Picker, type PickupRefusal } from './pickup/picker.js';
import { relayedPickupAnswers } from './pickup/pickup-media.js';
import { crossOffers } from './pickup/pickup-sdp.js';
import { CallDialogs } from './replaces/call-dialogs.js';
import type { ReplacedParty } from './replaces/replaced-party.js';
import { callerParty } from './local/caller-party.js';
import { LocalAppJoin } from './local/local-app-join.js';
import { isMissing, startLocalApp, type LocalAppEnd } from './local/local-apps.js';
import type { LocalJoinOutcome } from './transfer/blind-transfer.js';
import type { NodeRelay } from './cluster/node-relay.js';
import { startNodeRelay } from './cluster/node-relay-leg.js';

/**
 * The abort reason of a call's routing wait. Without one, every abort() builds a DOMException with
 * a stack trace (about 1 % of the signalling role's CPU in bench:cps profiles).
 */
const CALL_ENDED = 'call ended';

export type SessionState = 'routing' | 'dialling' | 'answering' | 'bridged' | 'local' | 'ended';

/**
 * One call through the B2BUA, from the caller's INVITE to the call record:
 * routing (plan from the queue) → dialling (PlanExecutor, CalleeLegs started by CallBranchLauncher) →
 * answering (CallAnswer: 2xx sent, waiting for the caller's ACK) → bridged (CallBridge relays
 * mid-call requests) → ended. Every path through `end` clears timers, dialogs, live state and
 * publishes one record.
 */
export class CallSession implements BranchLauncher<SipResponse> {
  readonly id = randomUUID();
  private state: SessionState = 'routing';
  /** A relayed pickup's picker while rtpengine crosses its SDP (pickup-media.ts): answered if the call ends. */
  private pickingUp: CallerLeg | undefined;
  private readonly caller: CallerLeg;
  private readonly routingAbort = new AbortController();
  private executor: PlanExecutor<SipResponse> | undefined;
  /** The leg towards the signalling node holding what the caller asked for (cluster/node-relay-leg.ts). */
  private nodeRelay: BranchHandle | undefined;
  private readonly launcher: CallBranchLauncher;
  private readonly answer: CallAnswer;
  private readonly callerMedia: CallerMediaReadiness;
  /** REFER on the bridged call: blind transfers and the call's transfer chain. */
  private readonly transfers: ReferHandler;
  /** Its dialogs as a Replaces (RFC 3891) names them: attended transfer, INVITE with Replaces. */
  readonly dialogs: CallDialogs;
  /** Park retrieval and INVITE with Replaces: this call takes a party over from another call. */
  private readonly takeover: CallTakeover;
  private local: LocalCall | undefined;
  /** Where this call's SDP crosses legs (rtpengine anchoring, or as is). */
  private readonly media: CallMedia;
  private readonly timeline: CallTimeline;
  /** The extensions' dialogs in this call, for busy lamps (RFC 4235). */
  private readonly lamps: CallLamps;
  private readonly extensions = new Set<string>();
  /** This call's trunk legs (their slots on trunks, the caller's and transferors' outside-call limits). */
  private readonly trunks: CallTrunkLegs | undefined;
  /** Plan targets → branches: the registered-contact expander, trunk targets through `trunks`. */
  private readonly expander: TargetExpander;
  private history: CallAttempt[] = [];
  private attempt = 0;
  /** Hand-overs of a locally answered caller so far (each routes with its own job id). */
  private handOvers = 0;
  private pluginId = '';
  /** Which answers make this call recorded (from the routing worker with the plan). */
  private recording: RecordingPlan | undefined;
  private destination: string;
  private receivedAt: number;
  /** When the (last) routing answer came back (clock ms), for the setup stage figures. */
  private routedAt: number | undefined;
  private readonly ending: CallEnding = {
    failTo: (...args) => this.failTo(...args),
    end: (...args) => this.end(...args),
  };

  /** Where the call is (metrics: the signalling role's SIGUSR2 summary counts calls per state). */
  get phase(): SessionState {
    return this.state;
  }

  constructor(
    private readonly deps: CallDeps,
    private readonly identity: CallIdentity,
    invite: SipRequest,
    tx: ServerTransaction<SipMessage>,
    private readonly table: CallTableHooks,
  ) {
    const origin = tx.origin;
    this.caller = new CallerLeg(
      deps.port,
      invite,
      tx,
      { host: origin.source.host, port: origin.source.port, protocol: origin.transport.protocol },
      deps.allow,
    );
    this.media = new CallMedia(
      deps.media ?? { mode: 'direct', client: undefined, hasExternalInterface: false, logger: deps.logger },
      this.id,
      callerMedia(invite, origin.source.host, bodyOf(invite)),
      deps.maxSdpMedia,
      (cause) => this.terminate(cause),
    );
    this.destination = identity.destination;
    this.timeline = new CallTimeline(() => deps.port.clock.now(), deps.wallNow());
    this.receivedAt = this.timeline.startedAt;
    if (identity.callerExtension) this.extensions.add(identity.callerExtension);
    this.trunks = deps.trunkLegs
      ? new CallTrunkLegs(deps.trunkLegs, deps.expander, this.id, identity)
      : undefined;
    this.expander = this.trunks?.expander ?? deps.expander;
    const log: CallLogIds = { call: this.id, callId: invite.callId };
    const media = this.media;
    this.lamps = new CallLamps({
      sink: deps.dialogStates,
      call: this.id,
      identity,
      callerCallId: invite.callId,
      ...(invite.from.tag ? { callerTag: invite.from.tag } : {}),
      domain: deps.domain,
      wallNow: deps.wallNow,
      onError: (err) => deps.logger.warn({ err, ...log }, 'dialog state not written'),
    });
    this.launcher = new CallBranchLauncher({
      deps,
      table,
      media,
      identity,
      invite,
      log,
      lamps: this.lamps,
      recording: () => this.recording,
      dialling: () => this.state === 'dialling',
      receivedAt: () => this.receivedAt,
      routedAt: () => this.routedAt,
    });
    this.answer = new CallAnswer({
      ...this.ending,
      deps,
      caller: this.caller,
      media,
      launcher: this.launcher,
      log,
      recording: () => this.recording,
      threeWay: {
        identity,
        ...(this.trunks ? { trunks: this.trunks } : {}),
        legStarted: (id) => table.legStarted(id),
        addLegs: (l) => this.timeline.addLegs(l),
      },
      answering: () => this.state === 'answering',
      connected: () => this.state === 'answering' || this.state === 'bridged',
      refer: (...args) => this.transfers.refer(...args),
    });
    this.transfers = new ReferHandler({
      deps,
      log,
      invite,
      callerIdentity: identity,
      ...(this.trunks ? { trunks: this.trunks } : {}),
      bridged: () => this.state === 'bridged',
      answeredKey: () => this.timeline.answeredKey,
      legStarted: (callId, side) => table.legStarted(callId, side),
      addLegs: (legs) => this.timeline.addLegs(legs),
      parked: (side, parker) => this.answer.park(side, parker),
      joinLocal: (side, identity, end, outcome) => this.joinLocal(side, identity, end, outcome),
      retrieved: (cause) => this.end('answered', 'system', cause),
      abandoned: (cause) => this.end('answered', 'system', cause),
      transferMedia: (transferee, replaced) =>
        transferMedia(
          this.media,
          partyOfSide(transferee, invite.callId),
          partyOfSide(replaced, invite.callId),
        ),
      connected: (sides, targetKey) => this.rebridged(sides, targetKey),
    });
    this.dialogs = new CallDialogs({
      id: this.id,
      domain: deps.domain,
      invite,
      dialled: identity,
      answer: this.answer,
      caller: this.caller,
      launcher: this.launcher,
      transfers: this.transfers,
      partyMedia: (side) => this.media.partyMedia(partyOfSide(side, invite.callId)),
      state: () => this.state,
      end: (cause) => {
        this.lamps.replaced();
        this.end('answered', 'system', cause);
      },
      cancel: () => this.cancelByCaller(),
      pickUp: (picker) => this.pickUp(picker),
    });
    this.takeover = new CallTakeover({
      deps,
      log,
      caller: this.caller,
      media,
      by: identity.callerExtension ?? identity.callerUri,
      chain: this.transfers.chain,
      failTo: (...args) => this.failTo(...args),
      answering: () => {
        this.state = 'answering';
      },
      waiting: () => this.state === 'answering' && this.caller.open,
      connected: (entry, answer) => {
        this.table.legStarted(entry.side.dialog.id.callId, 'callee');
        const answeredWall = this.timeline.answered(entry.label);
        this.answer.acceptParked(entry.side, answer, entry.label);
        this.media.answered();
        this.lamps.callerAnswered();
        this.soft(this.deps.liveCalls.state(this.id, 'answered', { answeredAt: String(answeredWall) }));
      },
    });
    this.callerMedia = new CallerMediaReadiness({
      failTo: (...args) => this.failTo(...args),
      deps,
      media,
      invite,
      callerExtension: identity.callerExtension,
      log,
    });
  }

  /**
   * An RFC 4733 key rtpengine saw in this call's RTP (calls/dtmf/rtpengine-dtmf-listener.ts), from
   * the monologue `tag`: `caller` is the caller's (call-media.ts), any other a callee leg's branch.
   */
  mediaDigit(tag: string, digit: string): void {
    this.answer.mediaDigit(tag === 'caller' ? 'caller' : 'callee', digit);
  }

  get callerCallId(): string {
    return this.caller.invite.callId;
  }

  get inviteTx(): ServerTransaction<SipMessage> {
    return this.caller.tx;
  }

  /**
   * `receivedAt`: when the INVITE reached call control (clock ms), for the setup latency figures.
   * `replacing`: the INVITE carried a Replaces naming a confirmed dialog (replaces/invite-replaces.ts):
   * this call takes that dialog's far party over instead of being routed.
   * `relay`: what the caller asked for (a parked or ringing call) is held by another signalling node:
   * the call goes there instead of being routed.
   */
  start(receivedAt = this.timeline.startedAt, replacing?: ReplacedParty, relay?: NodeRelay): void {
    this.receivedAt = receivedAt;
    this.soft(
      this.deps.liveCalls.started({
        id: this.id,
        from: this.identity.callerUri,
        ...(this.identity.callerName ? { fromDisplayName: this.identity.callerName } : {}),
        to: this.identity.destination,
        startedAt: this.timeline.startedWall,
        ...(this.identity.callerExtension ? { callerExtension: this.identity.callerExtension } : {}),
      }),
    );
    this.lamps.callerStarted();
    if (replacing) return this.takeover.replace(replacing);
    if (relay) return this.relayToNode(relay);
    const park = this.deps.park?.lot;
    if (park?.number === this.destination) return this.failTo(...parkNumberDialled(park.number));
    const slot = park?.slotOf(this.destination);
    if (slot !== undefined) return this.takeover.retrieve(slot);
    const voicemail = this.deps.voicemail;
    if (voicemail?.isAccessCode(this.destination)) {
      this.state = 'local';
      this.local = voicemail.access(this.localContext());
      return;
    }
    const rooms = this.deps.conference;
    if (rooms?.isFactory(this.destination)) return this.openFactoryRoom(rooms);
    if (rooms?.isFactoryRoom(this.destination))
      return this.startLocal({ kind: 'conference', room: this.destination });
    this.routeSafely();
  }

  /**
   * RFC 4579 §3.2: an INVITE to the conference factory URI makes an ad-hoc room, and the caller is its
   * first participant; our 2xx names the room's conference URI as Contact with `isfocus`, which the
   * phone then REFERs its other calls to (§5.5) and others may INVITE.
   */
  private openFactoryRoom(rooms: NonNullable<CallDeps['conference']>): void {
    const room = rooms.openFactoryRoom();
    const focus = this.caller.localUri(room);
    this.deps.logger.info({ call: this.id, callId: this.callerCallId, focus }, 'ad-hoc conference created');
    this.state = 'local';
    this.local = rooms.join({ ...this.localContext(), party: callerParty(this.caller, focus) }, room);
  }

  /** The call goes to voicemail, a room or a menu (startLocalApp); 480 when that app is off. */
  private startLocal(end: LocalAppEnd): void {
    this.state = 'local';
    const app = startLocalApp(this.deps, end, this.localContext());
    if (isMissing(app)) return this.failTo(app.status, app.reason, [], app.disposition, app.cause);
    this.local = app;
  }

  /** The caller's CANCEL (RFC 3261 §9.2): 487 to the INVITE; a plan still being computed is discarded. */
  cancelByCaller(): void {
    if (this.state === 'local' && this.caller.open) {
      this.local?.cancel();
      this.caller.reject(487, 'Request Terminated');
      this.end('cancelled', 'caller', 'CANCEL');
      return;
    }
    if (this.state !== 'routing' && this.state !== 'dialling') return;
    this.stopRouting();
    this.caller.reject(487, 'Request Terminated');
    this.end('cancelled', 'caller', 'CANCEL');
  }

  /** A request inside the caller's dialog or a callee leg's dialog. */
  handleRequest(side: Side, request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    if (this.transfers.retiredRequest(request, tx)) return;
    if (this.local && this.state === 'local') {
      this.local.request(request, tx); // the caller's, or a transferee's that joined the app
      return;
    }
    const bridge = this.answer.bridge;
    if (side === 'caller' && request.method === 'BYE' && !bridge) {
      this.byeOnEarlyDialog(request, tx);
      return;
    }
    if (!bridge || this.state === 'ended') {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    bridge.handleRequest(side, request, tx);
  }

  /**
   * The caller hangs up on its early dialog (RFC 3261 §15: a caller may send BYE on an early dialog):
   * 200 to the BYE, 487 to the still pending INVITE (§15.1.2), every branch cancelled, as a CANCEL.
   */
  private byeOnEarlyDialog(request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    const early = this.state === 'routing' || this.state === 'dialling';
    if (!early || !this.caller.open || !this.caller.isEarlyTag(request.to.tag)) {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    tx.reply(200);
    this.stopRouting();
    this.caller.reject(487, 'Request Terminated');
    this.end('cancelled', 'caller', 'BYE');
  }

  handleAck(side: Side, ack: SipRequest): void {
    if (side === 'caller' && ack.cseq.seq === this.caller.invite.cseq.seq) {
      this.caller.acked();
      this.answer.callerAcked(ack);
      this.caller.dialog?.receiveRequest(incomingRequestFromSip(ack));
      if (this.state === 'answering') {
        this.state = 'bridged';
        this.soft(this.deps.liveCalls.state(this.id, 'bridged'));
      }
      this.local?.ack(ack);
      return;
    }
    if (this.state === 'local') {
      this.local?.ack(ack); // the ACK of a re-INVITE the local application answered
      return;
    }
    if (side === 'callee') this.answer.calleeAcked(ack);
    this.answer.bridge?.handleAck(side, ack);
  }

  /**
   * Shutdown, an operator hang-up or a lost media relay (`cause` goes in the record): BYE on both
   * legs of an answered call, 503 with Retry-After to one still being set up.
   */
  terminate(cause = 'shutdown'): void {
    if (this.state === 'local') {
      this.local?.terminate();
      return;
    }
    const picker = this.pickingUp;
    if (this.state === 'routing' || this.state === 'dialling' || picker || this.takeover.running) {
      this.stopRouting();
      this.takeover.abandon();
      this.pickingUp = undefined;
      const retryAfter = [['Retry-After', String(this.deps.retryAfterSeconds)]] as const;
      picker?.reject(503, 'Service Unavailable', [...retryAfter]);
      this.caller.reject(503, 'Service Unavailable', [...retryAfter]);
      this.end('failed', 'system', cause);
    } else if (this.state !== 'ended') {
      this.answer.hangUp(cause);
    }
  }

  /** One B2BUA leg to the node holding the parked or ringing call; its answers are the caller's. */
  private relayToNode(relay: NodeRelay): void {
    this.state = 'dialling';
    this.deps.logger.info(
      { call: this.id, callId: this.callerCallId, node: relay.node, relay: relay.request.kind },
      'relayed to the signalling node holding the call',
    );
    this.nodeRelay = startNodeRelay(relay, {
      clock: this.deps.port.clock,
      launch: (spec, step, listener) => this.launcher.launch(spec, step, listener),
      provisional: (status, response) => this.relayProvisional(status, response),
      answered: (response, targetKey, step) => this.answered(response, targetKey, step),
      failed: (status, reason, cause) =>
        this.failTo(status, reason, [], status >= 500 || status === 408 ? 'failed' : 'rejected', cause),
    });
  }

  /**
   * Call pickup (calls/pickup/): `picker` answers this ringing call. Every branch is cancelled with
   * RFC 3326 `Reason: SIP;cause=200`, caller and picker get 2xx answers to their offers (pickup-sdp.ts),
   * through rtpengine when the caller's media went there (pickup-media.ts): the rung branches leave it.
   */
  pickUp(picker: Picker): PickupRefusal | undefined {
    if (this.state !== 'dialling' || !this.caller.open)
      return { status: 404, reason: 'No Call To Pick Up', cause: `call ${this.id} no longer ringing` };
    const callerOffer = bodyOf(this.caller.invite);
    const pickerOffer = bodyOf(picker.leg.invite);
    const sdp = crossOffers(callerOffer, pickerOffer);
    if (!sdp.ok) return { status: 488, reason: 'Not Acceptable Here', cause: sdp.reason };
    const branch = picker.leg.invite.callId;
    const relayed = this.media.openPicker(
      branch,
      callerMedia(picker.leg.invite, picker.leg.destination.host, pickerOffer),
    );
    this.executor?.cancel('completed-elsewhere');
    if (this.executor) this.timeline.addLegs(this.executor.legs);
    this.state = 'answering';
    this.table.legStarted(branch, 'callee');
    if (!relayed) {
      this.pickedUp(picker, sdp.toCaller, sdp.toPicker);
      return undefined;
    }
    this.pickingUp = picker.leg;
    relayedPickupAnswers(this.media, branch, callerOffer, pickerOffer, (answers) => {
      this.pickingUp = undefined;
      if (this.state !== 'answering' || !this.caller.open) {
        picker.leg.reject(487, 'Request Terminated'); // the caller gave up meanwhile
        return;
      }
      if (!answers.ok) {
        picker.leg.reject(488, 'Not Acceptable Here');
        return this.failTo(488, 'Not Acceptable Here', [], 'failed', `pickup: ${answers.reason}`);
      }
      this.media.leaveRung(branch);
      this.pickedUp(picker, answers.toCaller, answers.toPicker);
      this.media.answered();
    });
    return undefined;
  }

  /** The picker answered: both get their 2xx, the record and the lamps say who picked the call up. */
  private pickedUp(picker: Picker, toCaller: SessionBody, toPicker: SessionBody): void {
    const answeredWall = this.timeline.answered(picker.extension);
    this.answer.acceptPicked(picker.leg, toCaller, toPicker, picker.extension);
    const caller = this.identity.callerExtension ?? this.identity.callerUri;
    this.transfers.chain.push(pickupRecord(picker, caller, this.deps.wallNow()));
    this.lamps.callerAnswered();
    this.lamps.picked(picker.extension, picker.leg.invite.callId);
    this.extensions.add(picker.extension);
    const joined = { extension: picker.extension, at: answeredWall };
    this.soft(this.deps.liveCalls.state(this.id, 'answered', { answeredAt: String(answeredWall) }, joined));
  }

  // --- routing ---------------------------------------------------------------------------------

  /** The routing wait is abandoned and every branch of the plan cancelled. */
  private stopRouting(): void {
    this.routingAbort.abort(CALL_ENDED);
    this.executor?.cancel();
    this.nodeRelay?.cancel('caller-cancelled');
  }

  /** No promise without a catch on the call path: a failure while routing still answers the caller. */
  private routeSafely(): void {
    this.route().catch((err: unknown) => this.internalError(err, 'routing'));
  }

  /** A bug (a thrown error) on this call: logged with the call, and the caller still gets an answer. */
  private internalError(err: unknown, where: string): void {
    this.deps.logger.error(
      { err, call: this.id, callId: this.callerCallId, where },
      'call failed internally',
    );
    if (this.state === 'routing' || this.state === 'dialling') {
      this.stopRouting();
      this.failTo(500, 'Server Internal Error', [], 'failed', `internal error (${where})`);
    }
  }

  private async route(): Promise<void> {
    if (!(await this.callerMedia.ready()) || this.state !== 'routing') return;
    const routingStarted = this.deps.port.clock.now();
    this.deps.latency?.record('toRouting', routingStarted - this.receivedAt);
    const result = await routeCall(this.deps, {
      callId: this.id,
      identity: { ...this.identity, destination: this.destination },
      receivedAt: new Date(this.timeline.startedWall).toISOString(),
      history: this.history,
      attempt: this.attempt,
      signal: this.routingAbort.signal,
    });
    this.routedAt = this.deps.port.clock.now();
    this.deps.latency?.record('routing', this.routedAt - routingStarted);
    if (this.state !== 'routing') return; // cancelled meanwhile: the late plan is discarded
    if (result.kind === 'plan' && this.media.refusesNewCall()) {
      // SWITCHBOARD_MEDIA_FALLBACK=503: no relay, no call (logged by the relay health).
      const retryAfter = [['Retry-After', String(this.deps.retryAfterSeconds)]] as const;
      return this.failTo(503, 'Service Unavailable', retryAfter, 'failed', 'media relay unavailable');
    }
    if (result.kind === 'plan') {
      this.pluginId = result.pluginId;
      this.recording = result.recording;
      this.state = 'dialling';
      this.executor = new PlanExecutor<SipResponse>(
        result.plan,
        {
          clock: this.deps.port.clock,
          launcher: this.launcher,
          expander: this.expander,
          pluginId: result.pluginId,
          destination: this.destination,
          onError: (err) =>
            this.deps.logger.error({ err, call: this.id, callId: this.callerCallId }, 'dial step failed'),
        },
        {
          provisional: (status, response) => this.relayProvisional(status, response),
          answered: (response, targetKey, step) => this.answered(response, targetKey, step),
          finished: (end) => this.planFinished(end),
        },
      );
      this.executor.start();
      return;
    }
    if (result.kind === 'cancelled') return;
    this.failTo(result.status, result.reason, result.headers, result.disposition, result.cause);
  }

  private planFinished(end: PlanEnd): void {
    if (this.executor) this.timeline.addLegs(this.executor.legs);
    switch (end.kind) {
      case 'reject':
      case 'redirect': {
        const r = planEndResponse(end);
        return this.failTo(r.status, r.reason, r.headers, r.disposition, r.cause);
      }
      case 'voicemail':
      case 'conference':
      case 'menu':
        return this.startLocal(end);
      case 'reroute':
        if (this.attempt >= this.deps.maxReroutes) {
          return this.failTo(480, 'Temporarily Unavailable', [], 'failed', 'too many reroutes');
        }
        this.history = [...this.history, end.attempt];
        this.attempt += 1;
        if (end.destination) this.destination = end.destination;
        this.executor = undefined;
        this.state = 'routing';
        this.routeSafely();
        return;
    }
  }

  private failTo(
    status: number,
    reason: string,
    headers: ReadonlyArray<readonly [string, string]>,
    disposition: Disposition,
    cause: string,
  ): void {
    if (this.state === 'ended') return;
    this.caller.reject(status, reason, [...headers]);
    this.end(disposition, status >= 500 && disposition === 'failed' ? 'system' : 'callee', cause, status);
  }

  // --- dialling --------------------------------------------------------------------------------

  launch(spec: BranchSpec, step: DialStep, listener: BranchListener<SipResponse>): BranchHandle {
    return this.launcher.launch(spec, step, listener);
  }

  /** A branch's 18x goes to the caller on that branch's own early dialog (RFC 3264 §8, RFC 6337 §3.1). */
  private relayProvisional(status: number, response: SipResponse): void {
    this.timeline.ringing();
    const toTag = this.caller.earlyTag(response.callId, response.to.tag);
    this.media.cross(this.launcher.calleeSdp(response.callId), bodyOf(response), (relay) =>
      this.caller.provisional(status, response.reason, relay.ok ? relay.body : undefined, toTag),
    );
    this.soft(this.deps.liveCalls.state(this.id, 'ringing'));
    this.lamps.callerRinging();
  }

  private answered(response: SipResponse, targetKey: string, step: DialStep): void {
    const leg = this.launcher.leg(response.callId);
    if (!leg?.dialog || !this.caller.open) {
      leg?.hangUp();
      return;
    }
    this.state = 'answering';
    const answeredWall = this.timeline.answered(targetKey);
    this.answer.accept(leg, response, targetKey);
    // An extension that answered is in the call now (busy detection): written with the state.
    const extension = extensionKey(targetKey);
    if (extension) this.extensions.add(extension);
    const joined = extension ? { extension, at: answeredWall } : undefined;
    this.soft(this.deps.liveCalls.state(this.id, 'answered', { answeredAt: String(answeredWall) }, joined));
    this.lamps.callerAnswered();
    if (step.rememberAnswerAs)
      this.soft(this.deps.rememberAnswer(this.pluginId, step.rememberAnswerAs, targetKey));
  }

  // --- answered by the B2BUA itself (voicemail, rooms, menus) ------------------------------------

  private localContext(): LocalCallContext {
    return {
      callId: this.id,
      party: callerParty(this.caller),
      identity: this.identity,
      port: this.deps.port,
      allow: this.deps.allow,
      logger: this.deps.logger,
      answered: (answeredBy) => {
        const answeredAt = String(this.timeline.answered(answeredBy));
        this.soft(this.deps.liveCalls.state(this.id, 'answered', { answeredAt }));
        this.lamps.callerAnswered();
      },
      ended: (e: LocalCallEnd) => this.end(e.disposition, e.side, e.cause, e.status),
      handOver: (request, listener) => this.handOver(this.identity, request, listener),
      passedOn: (by, target, status) => this.passedOn(by, target, status),
    };
  }

  /**
   * A local application passes the party it answered (`identity`: the caller, or a party moved in
   * by a transfer) on to a destination, routed through the plugins as a new call.
   */
  private handOver(identity: CallIdentity, request: HandOverRequest, listener: HandOverListener): HandOver {
    this.handOvers += 1;
    const routingId = `${this.id}:handover:${this.handOvers}`;
    const log = { call: this.id, callId: this.callerCallId };
    return startHandOver(
      {
        deps: this.deps,
        log,
        invite: this.caller.invite,
        identity,
        legStarted: (callId) => this.table.legStarted(callId, 'callee'),
        addLegs: (legs) => this.timeline.addLegs(legs),
        expander: this.expander,
        bridged: (sides, targetKey) => {
          if (this.state !== 'local') return;
          this.local = undefined;
          this.state = 'bridged';
          this.soft(this.deps.liveCalls.state(this.id, 'bridged'));
          this.rebridged(sides, targetKey);
          this.passedOn(request.by, targetKey, 200);
        },
      },
      routingId,
      request,
      listener,
    );
  }

  /** A transfer or a hand-over moved a side: the bridge joins `sides` now. */
  private rebridged(sides: Record<Side, BridgeSide>, targetKey: string): void {
    this.answer.rebridge(sides, targetKey);
    const extension = extensionKey(targetKey);
    if (extension) {
      this.extensions.add(extension);
      this.soft(this.deps.liveCalls.joined(this.id, extension, this.deps.wallNow()));
    }
  }

  /** The record's chain: a local application passed the caller on (`menu 800` → `201`). */
  private passedOn(by: string, target: string, status: number): void {
    this.transfers.chain.push({
      transferor: by,
      transferee: this.identity.callerExtension ?? this.identity.callerUri,
      target,
      at: new Date(this.deps.wallNow()).toISOString(),
      status,
    });
  }

  /**
   * A transfer's target ended in a local application: the transferee at `side` joins it. Once it took
   * the application's media the bridge is retired and the call is the application's ('local').
   */
  private joinLocal(
    side: BridgeSide,
    identity: CallIdentity,
    end: LocalAppEnd,
    outcome: LocalJoinOutcome,
  ): { stop(): void } {
    const join = new LocalAppJoin({
      deps: this.deps,
      log: { call: this.id, callId: this.callerCallId },
      identity,
      side,
      end,
      joined: (app, label) => {
        if (this.state !== 'bridged') return;
        this.answer.retire();
        this.state = 'local';
        this.local = app;
        outcome.joined(label);
      },
      failed: (status, reason) => outcome.failed(status, reason),
      ended: (e) => this.end(e.disposition, e.side, e.cause, e.status),
      handOver: (request, listener) => this.handOver(identity, request, listener),
      passedOn: (by, target, status) => this.passedOn(by, target, status),
    });
    join.start();
    return join;
  }

  // --- teardown --------------------------------------------------------------------------------

  private end(disposition: Disposition, side: HangupSide, cause: string, status?: number): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.answer.stop();
    this.transfers.stop();
    this.stopRouting();
    if (this.executor) this.timeline.addLegs(this.executor.legs);
    this.launcher.disposeAll();
    this.caller.dispose();
    this.media.end();
    this.table.ended();
    this.soft(this.deps.liveCalls.ended(this.id, [...this.extensions]));
    this.lamps.ended(disposition, side, status);
    if (this.trunks) this.soft(this.trunks.releaseAll());
    const end = { disposition, side, cause, ...(status === undefined ? {} : { status }) };
    const edge = callDirection(inboundOf(this.identity), this.trunks?.outbound);
    const record = reportCallEnd(
      { id: this.id, sipCallId: this.callerCallId, pluginId: this.pluginId, edge },
      this.identity,
      this.timeline,
      end,
      this.deps.logger,
      this.transfers.chain,
    );
    this.soft(this.deps.publishRecord(record));
  }

  /** Soft-state writes never break a call; their failures are logged. */
  private soft(p: Promise<unknown>): void {
    p.catch((err: unknown) => this.deps.logger.warn({ err, call: this.id }, 'call side effect failed'));
  }
}

export type { FailureOutcome };
