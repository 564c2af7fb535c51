import type { DialStep } from '@switchboard/plugin-sdk';
import type { SipRequest, SipResponse } from '@switchboard/sip';
import type { CallDeps, CallTableHooks } from './call-deps.js';
import type { CallIdentity } from './call-routing.js';
import type { CallLogIds } from './call-session-hooks.js';
import type { CallLamps } from './lamps/call-lamps.js';
import { CalleeLeg, type CalleeLegInit } from './legs/callee-leg.js';
import { calleeLegInit } from './legs/callee-leg-init.js';
import { uriDestination } from './legs/leg-destination.js';
import type { CallMedia, Party } from './media/call-media.js';
import { DeferredBranch } from './media/deferred-branch.js';
import { calleeMedia } from './media/nat-detection.js';
import type { BranchHandle, BranchLauncher, BranchListener, BranchSpec } from './plan/branch-types.js';
import { mayRecord, type RecordingPlan } from '../recordings/recording-policy.js';
import { offerForTrunk } from './media/trunk-codecs.js';

/** What the branch launcher reads from its call (passed in, not the whole session). */
export interface BranchLaunchHost {
  readonly deps: CallDeps;
  readonly table: CallTableHooks;
  readonly media: CallMedia;
  readonly identity: CallIdentity;
  readonly invite: SipRequest;
  readonly log: CallLogIds;
  /** The rung extensions' dialogs for busy lamps (RFC 4235). */
  readonly lamps: CallLamps;
  recording(): RecordingPlan | undefined;
  /** Whether the call still dials (a relayed offer arriving later starts no leg otherwise). */
  dialling(): boolean;
  /** When the INVITE reached call control (clock ms), for the INVITE in → out latency. */
  receivedAt(): number;
  /** When the routing answer came back (clock ms; undefined before), for the setup stage figures. */
  routedAt(): number | undefined;
}

/** Starts a call's callee legs for the PlanExecutor and keeps them by their own SIP Call-ID. */
export class CallBranchLauncher implements BranchLauncher<SipResponse> {
  private readonly legs = new Map<string, CalleeLeg>();
  private firstLegSent = false;

  constructor(private readonly host: BranchLaunchHost) {}

  /** The calling extension, if the caller is one. */
  get callerExtension(): string | undefined {
    return this.host.identity.callerExtension;
  }

  leg(callId: string): CalleeLeg | undefined {
    return this.legs.get(callId);
  }

  /** SDP in a callee's response: the answer to our offer, or its offer when our INVITE had none. */
  calleeSdp(legCallId: string): { kind: 'offer' | 'answer'; from: Party; to: Party } {
    const offered = this.legs.get(legCallId)?.init.body !== undefined;
    return { kind: offered ? 'answer' : 'offer', from: { branch: legCallId }, to: 'caller' };
  }

  disposeAll(): void {
    for (const leg of this.legs.values()) leg.dispose();
  }

  launch(spec: BranchSpec, step: DialStep, listener: BranchListener<SipResponse>): BranchHandle {
    const lamp = this.host.lamps.branch(spec.targetKey, listener);
    if (!lamp) return this.launchLeg(spec, step, listener);
    return lamp.wrap(this.launchLeg(spec, step, lamp.listener));
  }

  private launchLeg(spec: BranchSpec, step: DialStep, given: BranchListener<SipResponse>): BranchHandle {
    const { deps, media } = this.host;
    const listener = trunkAwareListener(spec, given);
    if (!listener) return { cancel: () => undefined };
    const trunk = spec.trunk;
    const destination = spec.destination ?? uriDestination(spec.uri);
    let init: CalleeLegInit;
    try {
      init = calleeLegInit(this.host.invite, this.host.identity, spec, step, destination, deps);
    } catch (err) {
      return this.unreachable(spec, listener, err);
    }
    if (trunk && init.body) {
      const offer = offerForTrunk(init.body, trunk.codecs);
      if ('refused' in offer) return this.refusedBranch(spec, listener, offer.refused);
      init = { ...init, body: offer.body };
    }
    const callee = {
      ...calleeMedia(spec.uri, spec.destination?.host),
      ...(spec.mediaPolicy ? { policy: spec.mediaPolicy } : {}),
    };
    const relayed = media.openBranch(
      init.callId,
      callee,
      init.body,
      mayRecord(this.host.recording(), spec.targetKey),
    );
    if (!relayed || !init.body || !destination) {
      const offer = init.body ? media.directOffer(init.callId, init.body) : undefined;
      if (offer && !offer.ok) return this.refusedBranch(spec, listener, offer.reason);
      const body = offer?.ok ? offer.body : undefined;
      return this.startLeg(spec, body ? { ...init, body } : init, listener, destination !== undefined);
    }
    // The branch's INVITE carries rtpengine's offer for it (its own ports: forked early media).
    const branch = new DeferredBranch(init.callId);
    media.cross({ kind: 'offer', from: 'caller', to: { branch: init.callId } }, init.body, (offer) => {
      if (!this.host.dialling()) return;
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
    this.host.deps.logger.warn({ ...this.host.log, uri: spec.uri, reason }, 'branch not started (488)');
    listener.failed(488, undefined);
    return { cancel: () => undefined };
  }

  private startLeg(
    spec: BranchSpec,
    init: CalleeLegInit,
    listener: BranchListener<SipResponse>,
    routable: boolean,
  ): BranchHandle {
    const { deps } = this.host;
    let leg: CalleeLeg;
    try {
      leg = new CalleeLeg(deps.port, init, listener, {
        onStartFailed: (err) => this.legUnreachable(spec, err),
        onAckFailed: (err) =>
          deps.logger.warn({ ...this.host.log, uri: spec.uri, err }, 'ACK to the callee not sent'),
      });
    } catch (err) {
      return this.unreachable(spec, listener, err);
    }
    this.legs.set(leg.callId, leg);
    this.host.table.legStarted(leg.callId);
    if (!routable) listener.failed(404, undefined);
    else {
      leg.start();
      if (!this.firstLegSent) {
        this.firstLegSent = true;
        const now = deps.port.clock.now();
        deps.latency?.record('inviteInToOut', now - this.host.receivedAt());
        const routedAt = this.host.routedAt();
        if (routedAt !== undefined) deps.latency?.record('afterRouting', now - routedAt);
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
    this.host.deps.logger.warn({ ...this.host.log, uri: spec.uri, reason }, 'branch not started (503)');
  }
}

/**
 * The listener of a branch: a trunk branch gives its slot back when it fails; one its trunk refused
 * (limits) has failed already (undefined: start nothing).
 */
export function trunkAwareListener(
  spec: BranchSpec,
  given: BranchListener<SipResponse>,
): BranchListener<SipResponse> | undefined {
  const trunk = spec.trunk;
  const listener = trunk ? releasingOnFailure(given, () => trunk.release()) : given;
  if (!trunk?.refusal) return listener;
  listener.failed(trunk.refusal.status, undefined);
  return undefined;
}

/** A trunk branch gives its slot back when it fails (the next trunk may need it). */
function releasingOnFailure<R>(listener: BranchListener<R>, release: () => void): BranchListener<R> {
  return {
    provisional: (status, response) => listener.provisional(status, response),
    answered: (response) => listener.answered(response),
    failed: (status, response, contacts) => {
      release();
      listener.failed(status, response, contacts);
    },
  };
}
