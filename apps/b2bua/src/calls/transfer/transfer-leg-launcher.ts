import type { DialStep } from '@switchboard/plugin-sdk';
import type { SipRequest, SipResponse } from '@switchboard/sip';
import { trunkAwareListener } from '../call-branch-launcher.js';
import type { CallDeps } from '../call-deps.js';
import type { CallIdentity } from '../call-routing.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { TransferMedia } from './transfer-media.js';
import { CalleeLeg } from '../legs/callee-leg.js';
import { calleeLegInit } from '../legs/callee-leg-init.js';
import { uriDestination } from '../legs/leg-destination.js';
import { calleeMedia } from '../media/nat-detection.js';
import type { BranchHandle, BranchLauncher, BranchListener, BranchSpec } from '../plan/branch-types.js';

/** What the launcher of a transfer's legs reads from its transfer. */
export interface TransferLegHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  /** The call's first INVITE (its Max-Forwards bounds the new legs too, RFC 7332 §3). */
  readonly invite: SipRequest;
  /** The transferee as the caller of the new call. */
  readonly identity: CallIdentity;
  /** RFC 3892 §3: who asked for the transfer, carried into the new INVITE (absent: the PBX itself). */
  readonly referredBy?: string;
  /** A leg's Call-ID is now ours (the call table routes its in-dialog requests to this call). */
  legStarted(callId: string): void;
  /** The call's media anchor for the new legs (absent: their SDP crosses as is). */
  readonly media?: TransferMedia;
}

/**
 * Starts the legs towards a transfer target for the PlanExecutor. Each INVITE goes without SDP
 * (RFC 3725 §4.1, flow I): the target's 2xx carries its offer, which the transferee gets in a
 * re-INVITE; the transferee's answer then rides in the held ACK. So the transferee's media is only
 * moved once the target has answered, and the original call stays intact until then.
 */
export class TransferLegLauncher implements BranchLauncher<SipResponse> {
  private readonly legs = new Map<string, CalleeLeg>();

  constructor(private readonly host: TransferLegHost) {}

  leg(callId: string): CalleeLeg | undefined {
    return this.legs.get(callId);
  }

  disposeAll(): void {
    for (const leg of this.legs.values()) leg.dispose();
  }

  launch(spec: BranchSpec, step: DialStep, given: BranchListener<SipResponse>): BranchHandle {
    const { deps, identity, invite, log } = this.host;
    // A trunk target (a transfer to an outside number) keeps the trunk's channel limits.
    const listener = trunkAwareListener(spec, given);
    if (!listener) return { cancel: () => undefined };
    const destination = spec.destination ?? uriDestination(spec.uri);
    let leg: CalleeLeg;
    try {
      const { body: _offer, ...init } = calleeLegInit(invite, identity, spec, step, destination, deps);
      leg = new CalleeLeg(
        deps.port,
        {
          ...init,
          ...(this.host.referredBy
            ? { extraHeaders: [{ name: 'Referred-By', value: this.host.referredBy }] }
            : {}),
        },
        listener,
        {
          onAckFailed: (err) =>
            deps.logger.warn({ ...log, uri: spec.uri, err }, 'ACK to the target not sent'),
        },
      );
    } catch (err) {
      deps.logger.warn({ ...log, uri: spec.uri, err }, 'transfer branch not started (503)');
      listener.failed(503, undefined);
      return { cancel: () => undefined };
    }
    this.legs.set(leg.callId, leg);
    this.host.legStarted(leg.callId);
    this.host.media?.open(leg.callId, {
      ...calleeMedia(spec.uri, spec.destination?.host),
      ...(spec.mediaPolicy ? { policy: spec.mediaPolicy } : {}),
    });
    if (!destination) listener.failed(404, undefined);
    else leg.start();
    return leg;
  }
}
