import type { RoutingPlan } from '@switchboard/plugin-sdk';
import type { SipResponse } from '@switchboard/sip';
import type { BridgeSide } from '../bridge/call-bridge.js';
import { reinviteSide } from '../bridge/side-reinvite.js';
import { routeCall, type CallIdentity, type TransferAuthority } from '../call-routing.js';
import type { AuthorisedTrunkLegs, AuthorisedTrunks } from '../legs/call-trunk-legs.js';
import type { CalleeLeg } from '../legs/callee-leg.js';
import { bodyOf, type SessionBody } from '../legs/caller-leg.js';
import type { LegRecord, TargetExpander } from '../plan/branch-types.js';
import { isLocalAppEnd, type LocalAppEnd } from '../local/local-apps.js';
import { planEndResponse } from '../plan/plan-end-response.js';
import { PlanExecutor, type PlanEnd } from '../plan/plan-executor.js';
import type { ReferTarget } from './refer-request.js';
import { TransferLegLauncher, type TransferLegHost } from './transfer-leg-launcher.js';
import type { TransferProgress } from './transfer-notifier.js';

/** What a blind transfer needs from its call. */
export interface BlindTransferHost extends Omit<TransferLegHost, 'identity'> {
  /** A routing id of its own per transfer (job ids are per call and attempt). */
  readonly routingId: string;
  /** The transferee: the new call's caller, and the leg that is re-INVITEd towards the target. */
  readonly transferee: { readonly identity: CallIdentity; readonly side: BridgeSide };
  readonly target: ReferTarget;
  readonly notifier: TransferProgress;
  /** The legs this transfer tried (call record). */
  addLegs(legs: readonly LegRecord[]): void;
  /** Dial this plan instead of asking the plugins (an auto attendant's trunk destination). */
  readonly plan?: { readonly pluginId: string; readonly plan: RoutingPlan };
  /** Plan targets → branches (the call's, with its trunk legs); absent: `authority`'s, else `deps.expander`. */
  readonly expander?: TargetExpander;
  /**
   * Who made the transfer (the transferor, the three-way presser, the parker rung back): the plugins
   * route the target on its dialling class (`transferredBy`), and trunk legs from `trunks` take its
   * outside-call limit and name. Absent: the transferee's own authority (an auto attendant's hand-over).
   */
  readonly authority?: { readonly by: TransferAuthority; readonly trunks: AuthorisedTrunks | undefined };
  /** The transferee now talks to `leg` (its media moved): the call is bridged to it. */
  connected(leg: CalleeLeg, targetKey: string): void;
  /** The transfer failed with this status; the original call is untouched. */
  failed(status: number, reason: string): void;
  /**
   * Instead of moving the transferee to the target: the target answered with `offer`, and the host
   * takes the leg itself (three-way calling joins it to a room). Absent: the re-INVITE of RFC 3725 flow I.
   */
  answeredWithOffer?(leg: CalleeLeg, offer: SessionBody, targetKey: string): void;
  /**
   * The target's plan ended in a local application and the transferee is still our own UAS (an
   * auto attendant hands its caller over): the host runs it. Absent: the transfer fails with 480.
   */
  localEnd?(end: LocalAppEnd): void;
  /**
   * The target's plan ended in a local application (voicemail, a conference room, a menu): the
   * transferee joins it (calls/local/LocalAppJoin), `outcome` hears how (then the host's own
   * outcome runs: NOTIFY, the transferor's BYE). Absent: such a target
   * fails 480 (three-way calling adds people, not applications).
   */
  joinLocal?(end: LocalAppEnd, outcome: LocalJoinOutcome): { stop(): void };
}

/** How a transferee's join to a local application went. */
export interface LocalJoinOutcome {
  /** The application answered and the transferee took its media (`label`: `voicemail:201` …). */
  joined(label: string): void;
  failed(status: number, reason: string): void;
}

type Phase = 'routing' | 'dialling' | 'moving' | 'done';

/**
 * One blind transfer (RFC 3515 §2.4.4, RFC 5589 §6): the Refer-To target is routed through the
 * plugins as a new call from the transferee, its legs are dialled by the plan (ring groups, follow-me,
 * trunks), and when one answers, the transferee is re-INVITEd with the target's offer (RFC 3725
 * flow I). The transferor hears every step as a NOTIFY (`notifier`).
 */
export class BlindTransfer {
  private phase: Phase = 'routing';
  private readonly abort = new AbortController();
  private executor: PlanExecutor<SipResponse> | undefined;
  private readonly launcher: TransferLegLauncher;
  private ringing = false;
  private attempt = 0;
  /** The transferee joining a local application (the plan's end). */
  private joining: { stop(): void } | undefined;
  /** The trunk legs dialled on the authority's behalf (given back if the transfer fails). */
  private readonly trunkLegs: AuthorisedTrunkLegs | undefined;

  constructor(private readonly host: BlindTransferHost) {
    this.launcher = new TransferLegLauncher({ ...host, identity: this.identity() });
    const authority = host.authority;
    this.trunkLegs = host.expander
      ? undefined
      : authority?.trunks?.authorisedBy(host.routingId, authority.by);
  }

  start(): void {
    this.host.notifier.progress(100);
    this.route().catch((err: unknown) => {
      this.host.deps.logger.error({ ...this.host.log, err }, 'transfer routing failed internally');
      this.fail(500, 'Server Internal Error');
    });
  }

  /** The call ends while the transfer runs: routing abandoned, branches cancelled, legs released. */
  stop(): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.abort.abort('call ended');
    this.executor?.cancel();
    this.joining?.stop();
    this.launcher.disposeAll();
  }

  private identity(): CallIdentity {
    return {
      ...this.host.transferee.identity,
      destination: this.host.target.destination,
      requestUri: this.host.target.uri,
      ...(this.host.authority ? { transferredBy: this.host.authority.by } : {}),
    };
  }

  private async route(): Promise<void> {
    const { deps } = this.host;
    const result = this.host.plan
      ? ({ kind: 'plan', ...this.host.plan } as const)
      : await routeCall(deps, {
          callId: this.host.routingId,
          identity: this.identity(),
          receivedAt: new Date(deps.wallNow()).toISOString(),
          history: [],
          attempt: this.attempt,
          signal: this.abort.signal,
        });
    if (this.phase !== 'routing') return;
    if (result.kind === 'cancelled') return;
    if (result.kind === 'reject') return this.fail(result.status, result.reason);
    this.phase = 'dialling';
    this.executor = new PlanExecutor<SipResponse>(
      result.plan,
      {
        clock: deps.port.clock,
        launcher: this.launcher,
        expander: this.host.expander ?? this.trunkLegs?.expander ?? deps.expander,
        pluginId: result.pluginId,
        destination: this.host.target.destination,
        onError: (err) => deps.logger.error({ ...this.host.log, err }, 'transfer dial step failed'),
      },
      {
        provisional: (status) => {
          if (this.ringing || status < 180) return;
          this.ringing = true;
          this.host.notifier.progress(status);
        },
        answered: (response, targetKey) => this.answered(response, targetKey),
        finished: (end) => this.finished(end),
      },
    );
    this.host.addLegs(this.executor.legs); // a live list: legs still ringing are recorded as they end
    this.executor.start();
  }

  private finished(end: PlanEnd): void {
    if (this.phase !== 'dialling') return;
    if (isLocalAppEnd(end)) return this.joinLocal(end);
    switch (end.kind) {
      case 'reject':
      case 'redirect': {
        const r = planEndResponse(end);
        return this.fail(r.status, r.reason);
      }
      case 'reroute':
        if (this.attempt >= this.host.deps.maxReroutes) return this.fail(480, 'Temporarily Unavailable');
        this.attempt += 1;
        this.phase = 'routing';
        this.route().catch((err: unknown) => {
          this.host.deps.logger.error({ ...this.host.log, err }, 'transfer routing failed internally');
          this.fail(500, 'Server Internal Error');
        });
        return;
    }
  }

  /** The plan ended in voicemail, a room or a menu: the application answers the transferee itself. */
  private joinLocal(end: LocalAppEnd): void {
    if (this.host.localEnd) {
      // The transferee is still our own UAS (an auto attendant's caller): its application runs it.
      this.phase = 'done';
      this.launcher.disposeAll();
      this.host.localEnd(end);
      return;
    }
    if (!this.host.joinLocal) return this.fail(480, 'Temporarily Unavailable');
    this.phase = 'moving';
    this.joining = this.host.joinLocal(end, {
      joined: () => {
        this.phase = 'done';
      },
      failed: (status, reason) => this.fail(status, reason),
    });
  }

  /** The target answered with its offer (our INVITE had none): the transferee gets it in a re-INVITE. */
  private answered(response: SipResponse, targetKey: string): void {
    const leg = this.launcher.leg(response.callId);
    if (this.phase !== 'dialling' || !leg?.dialog || !leg.route) {
      leg?.hangUp();
      return;
    }
    this.phase = 'moving';
    const offer = bodyOf(response);
    if (!offer) return this.abandon(leg, 488, 'Not Acceptable Here');
    if (this.host.answeredWithOffer) {
      this.phase = 'done';
      this.host.answeredWithOffer(leg, offer, targetKey);
      return;
    }
    const media = this.host.media;
    if (!media) return this.moveTransferee(leg, offer, targetKey);
    media.offer(leg.callId, offer, (relay) => {
      if (this.phase !== 'moving') return;
      if (!relay.ok || !relay.body) return this.abandon(leg, 488, 'Not Acceptable Here');
      this.moveTransferee(leg, relay.body, targetKey);
    });
  }

  /**
   * The transferee is re-INVITEd with the target's offer (reinviteSide: a pending re-INVITE of its own
   * gives 491 and the transfer gives way, RFC 3261 §14.1); its answer goes to the target's ACK.
   */
  private moveTransferee(leg: CalleeLeg, offer: SessionBody, targetKey: string): void {
    reinviteSide(this.host.transferee.side, offer, this.host.deps, this.host.log, {
      answered: (answer, ack) => {
        ack();
        this.answerTarget(leg, answer, targetKey);
      },
      failed: (status, reason) => this.abandon(leg, status, reason),
    });
  }

  /** The transferee's answer reaches the target in its ACK (through the media anchor): connected. */
  private answerTarget(leg: CalleeLeg, answer: SessionBody | undefined, targetKey: string): void {
    const connect = (body: SessionBody | undefined) => {
      leg.ackAnswer(body);
      this.phase = 'done';
      this.host.connected(leg, targetKey);
      this.host.media?.replaced();
    };
    const media = this.host.media;
    if (!media) return connect(answer);
    media.answer(leg.callId, answer, (relay) => {
      if (this.phase !== 'moving') return;
      if (relay.ok) return connect(relay.body);
      // The transferee already applied the target's offer: the target gets no answer and is ended.
      this.host.deps.logger.warn({ ...this.host.log, reason: relay.reason }, 'transferee answer refused');
      leg.ackAnswer(undefined);
      this.abandon(leg, 488, 'Not Acceptable Here');
    });
  }

  /** The target answered but the transferee could not be moved: the target's leg is ended. */
  private abandon(leg: CalleeLeg, status: number, reason: string): void {
    leg.hangUp();
    this.fail(status, reason);
  }

  private fail(status: number, reason: string): void {
    if (this.phase === 'done') return;
    this.phase = 'done';
    this.launcher.disposeAll();
    this.trunkLegs?.release();
    this.host.failed(status, reason);
  }
}
