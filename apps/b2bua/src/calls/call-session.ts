import { randomUUID } from 'node:crypto';
import { incomingRequestFromSip } from '@switchboard/dialog';
import type { DialStep, FailureOutcome, CallAttempt } from '@switchboard/plugin-sdk';
import type { SipMessage, SipRequest, SipResponse } from '@switchboard/sip';
import type { ServerTransaction, TimerHandle } from '@switchboard/transactions';
import { CallBridge, type BridgeSide, type Side } from './bridge/call-bridge.js';
import { SessionRefresh, calleeLegTimer, callerLegTimer } from './bridge/session-refresh.js';
import type { CallDeps, CallTableHooks } from './call-deps.js';
import { CalleeLeg, type CalleeLegInit } from './legs/callee-leg.js';
import { calleeLegInit } from './legs/callee-leg-init.js';
import { bodyOf, CallerLeg, type SessionBody } from './legs/caller-leg.js';
import type { InDialogRoute } from './legs/in-dialog-route.js';
import { uriDestination } from './legs/leg-destination.js';
import { CallMedia, type Party } from './media/call-media.js';
import { DeferredBranch } from './media/deferred-branch.js';
import { calleeMedia, callerMedia } from './media/nat-detection.js';
import type { BranchHandle, BranchLauncher, BranchListener, BranchSpec } from './plan/branch-types.js';
import { PlanExecutor, type PlanEnd } from './plan/plan-executor.js';
import { dispositionOfStatus, type Disposition, type HangupSide } from './records/call-record-builder.js';
import { reportCallEnd } from './records/call-end-report.js';
import { CallTimeline } from './records/call-timeline.js';
import { routeCall, type CallIdentity } from './call-routing.js';
import { mayRecord, recordingSubjects, type RecordingPlan } from '../recordings/recording-policy.js';
import { warningOf } from './bridge/sdp-media-limit.js';
import type { LocalCall, LocalCallContext, LocalCallEnd } from '../voicemail/local-call.js';

/** `local`: the B2BUA answers the caller itself (voicemail deposit, mailbox access). */
/**
 * The abort reason of a call's routing wait. Without one, every abort() builds a DOMException with
 * a stack trace (about 1 % of the signalling role's CPU in bench:cps profiles).
 */
const CALL_ENDED = 'call ended';

export type SessionState = 'routing' | 'dialling' | 'answering' | 'bridged' | 'local' | 'ended';

/**
 * One call through the B2BUA, from the caller's INVITE to the call record:
 * routing (plan from the queue) → dialling (PlanExecutor, CalleeLegs) → answering (2xx sent,
 * waiting for the caller's ACK) → bridged (CallBridge relays mid-call requests) → ended.
 * Every path through `end` clears timers, dialogs, live state and publishes one record.
 */
export class CallSession implements BranchLauncher<SipResponse> {
  readonly id = randomUUID();
  private state: SessionState = 'routing';
  private readonly caller: CallerLeg;
  private readonly routingAbort = new AbortController();
  private executor: PlanExecutor<SipResponse> | undefined;
  private readonly legs = new Map<string, CalleeLeg>();
  private winner: CalleeLeg | undefined;
  private bridge: CallBridge | undefined;
  /** RFC 4028 session timers of the bridged legs (absent: off). */
  private refresh: SessionRefresh | undefined;
  private local: LocalCall | undefined;
  /** Where this call's SDP crosses legs (rtpengine anchoring, or as is). */
  private readonly media: CallMedia;
  private readonly timeline: CallTimeline;
  private readonly extensions = new Set<string>();
  private history: CallAttempt[] = [];
  private attempt = 0;
  private pluginId = '';
  /** Which answers make this call recorded (from the routing worker with the plan). */
  private recording: RecordingPlan | undefined;
  /** The answering target's key (extension number, AOR or URI). */
  private answeredKey: string | undefined;
  private destination: string;
  private receivedAt: number;
  private firstLegSent = false;
  // SWITCHBOARD_MAX_CALL_SECONDS, armed when the call is answered.
  private maxDuration: TimerHandle | undefined;

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
  }

  get callerCallId(): string {
    return this.caller.invite.callId;
  }

  get inviteTx(): ServerTransaction<SipMessage> {
    return this.caller.tx;
  }

  /** `receivedAt`: when the INVITE reached call control (clock ms), for the setup latency figures. */
  start(receivedAt = this.timeline.startedAt): void {
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
    const voicemail = this.deps.voicemail;
    if (voicemail?.isAccessCode(this.destination)) {
      this.state = 'local';
      this.local = voicemail.access(this.localContext());
      return;
    }
    this.routeSafely();
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
    this.routingAbort.abort(CALL_ENDED);
    this.executor?.cancel();
    this.caller.reject(487, 'Request Terminated');
    this.end('cancelled', 'caller', 'CANCEL');
  }

  /** A request inside the caller's dialog or a callee leg's dialog. */
  handleRequest(side: Side, request: SipRequest, tx: ServerTransaction<SipMessage>): void {
    if (this.local && this.state !== 'ended' && side === 'caller') {
      this.local.request(request, tx);
      return;
    }
    if (side === 'caller' && request.method === 'BYE' && !this.bridge) {
      this.byeOnEarlyDialog(request, tx);
      return;
    }
    if (!this.bridge || this.state === 'ended') {
      tx.reply(481, 'Call/Transaction Does Not Exist');
      return;
    }
    this.bridge.handleRequest(side, request, tx);
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
    this.routingAbort.abort(CALL_ENDED);
    this.executor?.cancel();
    this.caller.reject(487, 'Request Terminated');
    this.end('cancelled', 'caller', 'BYE');
  }

  handleAck(side: Side, ack: SipRequest): void {
    if (side === 'caller' && ack.cseq.seq === this.caller.invite.cseq.seq) {
      this.caller.acked();
      // Late offer: the caller's answer rides in its ACK and goes on in ours (RFC 3264 §4).
      const winner = this.winner;
      if (winner?.awaitingAnswer) {
        this.media.cross(
          { kind: 'answer', from: 'caller', to: { branch: winner.callId } },
          bodyOf(ack),
          (a) => winner.ackAnswer(a.ok ? a.body : undefined),
        );
      }
      this.caller.dialog?.receiveRequest(incomingRequestFromSip(ack));
      if (this.state === 'answering') {
        this.state = 'bridged';
        this.soft(this.deps.liveCalls.state(this.id, 'bridged'));
      }
      this.local?.ack(ack);
      return;
    }
    if (side === 'caller') this.local?.ack(ack); // the ACK of a re-INVITE the voicemail answered
    this.bridge?.handleAck(side, ack);
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
    if (this.state === 'routing' || this.state === 'dialling') {
      this.routingAbort.abort(CALL_ENDED);
      this.executor?.cancel();
      this.caller.reject(503, 'Service Unavailable', [['Retry-After', String(this.deps.retryAfterSeconds)]]);
      this.end('failed', 'system', cause);
    } else if (this.state !== 'ended') {
      this.hangUpAnswered(cause);
    }
  }

  /** BYE on both legs of an answered call (the callee's 2xx is ACKed first if still pending). */
  private hangUpAnswered(cause: string): void {
    this.winner?.ackAnswer(undefined);
    if (!this.bridge) {
      // Answered by the callee, its SDP still with the media relay: the caller gets no 2xx now.
      this.winner?.hangUp();
      if (this.caller.open) this.caller.reject(503, 'Service Unavailable');
    }
    this.bridge?.hangUpBoth();
    this.end('answered', 'system', cause);
  }

  // --- routing ---------------------------------------------------------------------------------

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
      this.routingAbort.abort(CALL_ENDED);
      this.executor?.cancel();
      this.failTo(500, 'Server Internal Error', [], 'failed', `internal error (${where})`);
    }
  }

  /** The caller's media policy, looked up once (before its offer is checked and branches open). */
  private callerPolicyKnown = false;

  /**
   * Resolves the caller's media policy and checks its offer against its SRTP policy: false when
   * the call was answered here (488 for a refused offer, 503 when the policy cannot be read).
   */
  private async callerMediaReady(): Promise<boolean> {
    if (this.callerPolicyKnown) return true;
    const extension = this.identity.callerExtension;
    const lookup = this.deps.callerMediaPolicy;
    if (extension && lookup) {
      try {
        this.media.setCallerPolicy(await lookup(extension));
      } catch {
        // Logged by the lookup. Without the policy a `required` SRTP phone could go plain: refuse.
        this.failTo(
          503,
          'Service Unavailable',
          [['Retry-After', String(this.deps.retryAfterSeconds)]],
          'failed',
          'media policy unavailable',
        );
        return false;
      }
    }
    this.callerPolicyKnown = true;
    const refused = this.media.refusedCallerOffer(bodyOf(this.caller.invite));
    if (refused) {
      this.deps.logger.info(
        { call: this.id, callId: this.callerCallId, reason: refused },
        'caller offer refused (SRTP policy)',
      );
      this.failTo(488, 'Not Acceptable Here', [warningOf(refused, 302)], 'rejected', 'SRTP policy');
      return false;
    }
    return true;
  }

  private async route(): Promise<void> {
    if (!(await this.callerMediaReady()) || this.state !== 'routing') return;
    const routingStarted = this.deps.port.clock.now();
    const result = await routeCall(this.deps, {
      callId: this.id,
      identity: { ...this.identity, destination: this.destination },
      receivedAt: new Date(this.timeline.startedWall).toISOString(),
      history: this.history,
      attempt: this.attempt,
      signal: this.routingAbort.signal,
    });
    this.deps.latency?.record('routing', this.deps.port.clock.now() - routingStarted);
    if (this.state !== 'routing') return; // cancelled meanwhile: the late plan is discarded
    if (result.kind === 'plan' && this.media.refusesNewCall()) {
      // SWITCHBOARD_MEDIA_FALLBACK=503: no relay, no call (logged by the relay health).
      this.failTo(
        503,
        'Service Unavailable',
        [['Retry-After', String(this.deps.retryAfterSeconds)]],
        'failed',
        'media relay unavailable',
      );
      return;
    }
    if (result.kind === 'plan') {
      this.pluginId = result.pluginId;
      this.recording = result.recording;
      this.state = 'dialling';
      this.executor = new PlanExecutor<SipResponse>(
        result.plan,
        {
          clock: this.deps.port.clock,
          launcher: this,
          expander: this.deps.expander,
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
        return this.failTo(
          end.status,
          end.reason,
          [],
          dispositionOfStatus(end.status),
          `plan: ${end.status}`,
        );
      case 'redirect':
        return this.failTo(
          end.status,
          end.status === 301 ? 'Moved Permanently' : 'Moved Temporarily',
          end.contacts.map((c) => ['Contact', `<${c}>`] as const),
          'redirected',
          'plan: redirect',
        );
      case 'voicemail':
        if (this.deps.voicemail) {
          this.state = 'local';
          this.local = this.deps.voicemail.deposit(this.localContext(), end.mailbox);
          return;
        }
        return this.failTo(
          480,
          'Voicemail Not Available',
          [],
          'no_answer',
          `voicemail ${end.mailbox} unavailable`,
        );
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
    const destination = spec.destination ?? uriDestination(spec.uri);
    let init: CalleeLegInit;
    try {
      init = calleeLegInit(this.caller.invite, this.identity, spec, step, destination, this.deps);
    } catch (err) {
      return this.unreachable(spec, listener, err);
    }
    const callee = {
      ...calleeMedia(spec.uri, spec.destination?.host),
      ...(spec.mediaPolicy ? { policy: spec.mediaPolicy } : {}),
    };
    const relayed = this.media.openBranch(
      init.callId,
      callee,
      init.body,
      mayRecord(this.recording, spec.targetKey),
    );
    if (!relayed || !init.body || !destination) {
      const offer = init.body ? this.media.directOffer(init.callId, init.body) : undefined;
      if (offer && !offer.ok) return this.refusedBranch(spec, listener, offer.reason);
      const body = offer?.ok ? offer.body : undefined;
      return this.startLeg(spec, body ? { ...init, body } : init, listener, destination !== undefined);
    }
    // The branch's INVITE carries rtpengine's offer for it (its own ports: forked early media).
    const branch = new DeferredBranch(init.callId);
    this.media.cross({ kind: 'offer', from: 'caller', to: { branch: init.callId } }, init.body, (offer) => {
      if (this.state !== 'dialling') return;
      branch.start(() =>
        offer.ok
          ? this.startLeg(spec, offer.body ? { ...init, body: offer.body } : init, listener, true)
          : this.refusedBranch(spec, listener, offer.reason),
      );
    });
    return branch;
  }

  /** The offer cannot go to this branch (its SRTP policy): it fails as if it answered 488. */
  private refusedBranch(
    spec: BranchSpec,
    listener: BranchListener<SipResponse>,
    reason: string,
  ): BranchHandle {
    this.deps.logger.warn(
      { call: this.id, callId: this.callerCallId, uri: spec.uri, reason },
      'branch not started (488)',
    );
    listener.failed(488, undefined);
    return { cancel: () => undefined };
  }

  private startLeg(
    spec: BranchSpec,
    init: CalleeLegInit,
    listener: BranchListener<SipResponse>,
    routable: boolean,
  ): BranchHandle {
    let leg: CalleeLeg;
    try {
      leg = new CalleeLeg(this.deps.port, init, listener, {
        onStartFailed: (err) => this.legUnreachable(spec, err),
        onAckFailed: (err) =>
          this.deps.logger.warn(
            { call: this.id, callId: this.callerCallId, uri: spec.uri, err },
            'ACK to the callee not sent',
          ),
      });
    } catch (err) {
      return this.unreachable(spec, listener, err);
    }
    this.legs.set(leg.callId, leg);
    this.table.legStarted(leg.callId);
    if (!routable) listener.failed(404, undefined);
    else {
      leg.start();
      if (!this.firstLegSent) {
        this.firstLegSent = true;
        this.deps.latency?.record('inviteInToOut', this.deps.port.clock.now() - this.receivedAt);
      }
    }
    return leg;
  }

  /**
   * E.g. no listener for the target's transport (no Contact to offer on it): the branch fails 503
   * like an unreachable one (RFC 3261 §16.7 treats it as a 503 from that branch).
   */
  private unreachable(spec: BranchSpec, listener: BranchListener<SipResponse>, err: unknown): BranchHandle {
    this.legUnreachable(spec, err);
    listener.failed(503, undefined);
    return { cancel: () => undefined };
  }

  private legUnreachable(spec: BranchSpec, err: unknown): void {
    const reason = err instanceof Error ? err.message : String(err);
    this.deps.logger.warn(
      { call: this.id, callId: this.callerCallId, uri: spec.uri, reason },
      'branch not started (503)',
    );
  }

  /** A branch's 18x goes to the caller on that branch's own early dialog (RFC 3264 §8, RFC 6337 §3.1). */
  private relayProvisional(status: number, response: SipResponse): void {
    this.timeline.ringing();
    const toTag = this.caller.earlyTag(response.callId, response.to.tag);
    this.media.cross(this.calleeSdp(response.callId), bodyOf(response), (relay) =>
      this.caller.provisional(status, response.reason, relay.ok ? relay.body : undefined, toTag),
    );
    this.soft(this.deps.liveCalls.state(this.id, 'ringing'));
  }

  private answered(response: SipResponse, targetKey: string, step: DialStep): void {
    const leg = this.legs.get(response.callId);
    if (!leg?.dialog || !this.caller.open) {
      leg?.hangUp();
      return;
    }
    this.winner = leg;
    this.answeredKey = targetKey;
    this.state = 'answering';
    if (this.deps.maxCallMs > 0) {
      this.maxDuration = this.deps.port.clock.schedule(this.deps.maxCallMs, () => {
        if (this.state === 'answering' || this.state === 'bridged') this.hangUpAnswered('max call duration');
      });
    }
    const answeredWall = this.timeline.answered(targetKey);
    const toTag = this.caller.earlyTag(leg.callId, response.to.tag);
    this.media.cross(this.calleeSdp(leg.callId), bodyOf(response), (relay) => {
      if (this.state !== 'answering' || !this.caller.open || !leg.dialog || !leg.route) {
        leg.hangUp();
        return;
      }
      if (!relay.ok && relay.warnCode !== undefined) {
        // A late offer (2xx to our INVITE without SDP) the callee's SRTP policy refuses: ACK, BYE.
        leg.ackAnswer(undefined);
        leg.hangUp();
        this.failTo(
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
    this.soft(this.deps.liveCalls.state(this.id, 'answered', { answeredAt: String(answeredWall) }));
    if (/^[0-9*#+]+$/.test(targetKey)) {
      this.extensions.add(targetKey);
      this.soft(this.deps.liveCalls.joined(this.id, targetKey, answeredWall));
    }
    if (step.rememberAnswerAs)
      this.soft(this.deps.rememberAnswer(this.pluginId, step.rememberAnswerAs, targetKey));
  }

  /** SDP in a callee's response: the answer to our offer, or its offer when our INVITE had none. */
  private calleeSdp(legCallId: string): { kind: 'offer' | 'answer'; from: Party; to: Party } {
    const offered = this.legs.get(legCallId)?.init.body !== undefined;
    return { kind: offered ? 'answer' : 'offer', from: { branch: legCallId }, to: 'caller' };
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
    const timers = this.deps.sessionTimers;
    const callerTimer = timers ? callerLegTimer(this.caller.invite, answer, timers) : undefined;
    const callerDialog = this.caller.answer(
      answer,
      {},
      () => {
        // §13.3.1.4: no ACK within 64*T1 — the session ends with BYE on both legs.
        leg.ackAnswer(undefined);
        this.bridge?.hangUpBoth();
        this.end('failed', 'system', 'no ACK from caller');
      },
      toTag,
      callerTimer?.headers,
    );
    if (leg.answerReceivedAt !== undefined)
      this.deps.latency?.record('okInToOut', this.deps.port.clock.now() - leg.answerReceivedAt);
    this.media.answered();
    this.media.record(recordingSubjects(this.recording, this.answeredKey), leg.callId);
    const sides: Record<Side, BridgeSide> = {
      caller: { dialog: callerDialog, route: this.caller.route, contact: this.caller.contact },
      callee: { dialog: calleeDialog, route: calleeRoute, contact: leg.localContact },
    };
    const calleeTimers = leg.sessionTimers;
    if (callerTimer && calleeTimers) {
      this.refresh = new SessionRefresh({
        sides,
        legs: { caller: callerTimer.leg, callee: calleeLegTimer(calleeAnswer, leg.init.body, calleeTimers) },
        clock: this.deps.port.clock,
        allow: this.deps.allow,
        logger: this.deps.logger,
        call: { id: this.id, callId: this.callerCallId },
        onEnd: (_side, cause) => this.hangUpAnswered(cause),
      });
    }
    this.bridge = new CallBridge(
      this.deps.port,
      sides,
      {
        onHangup: (side) => this.end('answered', side, 'BYE'),
        onAckFailed: (side, err) =>
          this.deps.logger.warn({ call: this.id, callId: this.callerCallId, side, err }, 'ACK not sent'),
        onEnded: (cause) => {
          this.deps.logger.warn({ call: this.id, callId: this.callerCallId, cause }, 'call ended with BYE');
          this.end('answered', 'system', cause);
        },
      },
      this.deps.allow,
      (kind, from, body, deliver) => {
        const callee: Party = { branch: leg.callId };
        this.media.cross(
          { kind, from: from === 'caller' ? 'caller' : callee, to: from === 'caller' ? callee : 'caller' },
          body,
          (relay) => {
            this.refresh?.crossed(kind, from, body, relay);
            deliver(relay);
          },
        );
      },
      this.refresh,
    );
  }

  // --- answered by the B2BUA itself (voicemail) -------------------------------------------------

  private localContext(): LocalCallContext {
    return {
      callId: this.id,
      caller: this.caller,
      identity: this.identity,
      port: this.deps.port,
      allow: this.deps.allow,
      logger: this.deps.logger,
      answered: (answeredBy) => {
        const answeredAt = String(this.timeline.answered(answeredBy));
        this.soft(this.deps.liveCalls.state(this.id, 'answered', { answeredAt }));
      },
      ended: (e: LocalCallEnd) => this.end(e.disposition, e.side, e.cause, e.status),
    };
  }

  // --- teardown --------------------------------------------------------------------------------

  private end(disposition: Disposition, side: HangupSide, cause: string, status?: number): void {
    if (this.state === 'ended') return;
    this.state = 'ended';
    this.maxDuration?.cancel();
    this.refresh?.stop();
    this.routingAbort.abort(CALL_ENDED);
    this.executor?.cancel();
    if (this.executor) this.timeline.addLegs(this.executor.legs);
    for (const leg of this.legs.values()) leg.dispose();
    this.caller.dispose();
    this.media.end();
    this.table.ended();
    this.soft(this.deps.liveCalls.ended(this.id, [...this.extensions]));
    const end = { disposition, side, cause, ...(status === undefined ? {} : { status }) };
    const record = reportCallEnd(
      { id: this.id, sipCallId: this.callerCallId, pluginId: this.pluginId },
      this.identity,
      this.timeline,
      end,
      this.deps.logger,
    );
    this.soft(this.deps.publishRecord(record));
  }

  /** Soft-state writes never break a call; their failures are logged. */
  private soft(p: Promise<unknown>): void {
    p.catch((err: unknown) => this.deps.logger.warn({ err, call: this.id }, 'call side effect failed'));
  }
}

export type { FailureOutcome };
