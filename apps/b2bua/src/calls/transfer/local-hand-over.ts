import { destinationStep, routingPlanSchema, type RoutingPlan } from '@switchboard/plugin-sdk';
import type { SipRequest } from '@switchboard/sip';
import { z } from 'zod';
import type { HandOver, HandOverListener, HandOverRequest } from '../../voicemail/local-call.js';
import type { BridgeSide, Side } from '../bridge/call-bridge.js';
import type { CallDeps } from '../call-deps.js';
import type { CallIdentity } from '../call-routing.js';
import type { CallLogIds } from '../call-session-hooks.js';
import type { LegRecord, TargetExpander } from '../plan/branch-types.js';
import { BlindTransfer } from './blind-transfer.js';
import { sideOf } from './refer-handler.js';
import { SILENT_PROGRESS } from './transfer-notifier.js';

/** What a hand-over needs from its call session. */
export interface LocalHandOverHost {
  readonly deps: CallDeps;
  readonly log: CallLogIds;
  readonly invite: SipRequest;
  /** The caller, the new call's caller too. */
  readonly identity: CallIdentity;
  /** A target leg's Call-ID is now this call's (callee side). */
  legStarted(callId: string): void;
  addLegs(legs: readonly LegRecord[]): void;
  /** The target answered and the caller took its offer: the two dialogs are the call's bridge now. */
  bridged(sides: Record<Side, BridgeSide>, targetKey: string): void;
  /** The call's target expander (trunk legs on the caller's outside-call limit and in its record). */
  readonly expander?: TargetExpander;
}

/**
 * A hand-over's own plan, when it has one: a named trunk dials the number (plugin-sdk's
 * `destinationStep`, as business hours' trunk destination does), so no outbound route can choose
 * another; a trunk that is unknown, disabled or full makes the target unavailable (480 to the
 * listener). Undefined: the plugins route the destination; a string: why the plan is invalid.
 */
export function handOverPlan(
  request: Pick<HandOverRequest, 'destination' | 'trunk'>,
): RoutingPlan | string | undefined {
  if (request.trunk === undefined) return undefined;
  const parsed = routingPlanSchema.safeParse({
    steps: [destinationStep({ kind: 'trunk', trunk: request.trunk, target: request.destination })],
  });
  return parsed.success ? parsed.data : z.prettifyError(parsed.error);
}

/**
 * A caller the PBX answered itself (an auto attendant) goes on to another destination: the
 * destination is routed through the plugins as a new call and, when a target answers, the caller is
 * re-INVITEd with the target's offer (BlindTransfer, RFC 3725 flow I) and the call is bridged. No
 * REFER was received, so nobody is notified (RFC 3515 progress goes nowhere); a plan that ends in
 * voicemail, a room or a menu is given back to the local application (it still holds the caller).
 */
export function startHandOver(
  host: LocalHandOverHost,
  routingId: string,
  request: HandOverRequest,
  listener: HandOverListener,
): HandOver {
  const { deps } = host;
  const plan = handOverPlan(request);
  if (typeof plan === 'string') {
    deps.logger.warn(
      { ...host.log, destination: request.destination, trunk: request.trunk, why: plan },
      'hand-over: no valid trunk plan',
    );
    // After the caller's own stack unwinds, as a routed failure would come.
    let stopped = false;
    queueMicrotask(() => {
      if (!stopped) listener.failed(480, 'Temporarily Unavailable');
    });
    return { stop: () => (stopped = true) };
  }
  const transfer = new BlindTransfer({
    ...(plan ? { plan: { pluginId: `hand-over:${request.by}`, plan } } : {}),
    ...(host.expander ? { expander: host.expander } : {}),
    deps,
    log: host.log,
    invite: host.invite,
    routingId,
    transferee: { identity: host.identity, side: request.side },
    target: { destination: request.destination, uri: `sip:${request.destination}@${deps.domain}` },
    notifier: SILENT_PROGRESS,
    legStarted: (callId) => host.legStarted(callId),
    addLegs: (legs) => host.addLegs(legs),
    connected: (leg, targetKey) => {
      const callee = sideOf(leg);
      if (!callee) {
        leg.hangUp();
        listener.failed(500, 'Server Internal Error');
        return;
      }
      host.bridged({ caller: request.side, callee }, targetKey);
      listener.connected(targetKey);
    },
    failed: (status, reason) => listener.failed(status, reason),
    localEnd: (end) => listener.local(end),
  });
  transfer.start();
  return { stop: () => transfer.stop() };
}
