import { randomUUID } from 'node:crypto';
import type { DialStep } from '@switchboard/plugin-sdk';
import type { SessionTimerSettings } from '@switchboard/dialog';
import { formatNameAddr, type SipRequest } from '@switchboard/sip';
import type { ResolvedTarget } from '@switchboard/transactions';
import type { CallIdentity } from '../call-routing.js';
import type { BranchSpec, TrunkLegSpec } from '../plan/branch-types.js';
import type { CalleeLegInit } from './callee-leg.js';
import { bodyOf } from './caller-leg.js';

/**
 * The outgoing INVITE of one branch, as a B2BUA builds it: a new Call-ID, the caller's identity with
 * the step's caller-id (display name or prefix) and a P-Asserted-Identity, Max-Forwards decremented (RFC 7332 §3.2), the
 * caller's body relayed, and an extension target addressed in our domain.
 */
export function calleeLegInit(
  invite: SipRequest,
  identity: CallIdentity,
  spec: BranchSpec,
  step: DialStep,
  destination: ResolvedTarget | undefined,
  local: { domain: string; allow: string; sessionTimers?: SessionTimerSettings | undefined },
): CalleeLegInit {
  const display = step.callerId?.displayName ?? `${step.callerId?.prefix ?? ''}${identity.callerName ?? ''}`;
  const body = bodyOf(invite);
  if (spec.trunk) return trunkLegInit(invite, spec, spec.trunk, destination, local, body);
  return {
    requestUri: spec.uri,
    destination: destination ?? { host: '0.0.0.0', port: 0, protocol: 'UDP' },
    ...(spec.destinationIsFlow ? { destinationIsFlow: true } : {}),
    ...(spec.route ? { route: spec.route } : {}),
    from: { uri: identity.callerUri, ...(display ? { displayName: display } : {}) },
    // RFC 3325 §9.1: the identity we authenticated (or the trunk asserted), for the phones and proxies
    // of the other legs (the caller-id prefix of a ring group is a hint for the callee's screen, not an identity).
    ...(identity.callerExtension !== undefined || identity.callerTrunk !== undefined
      ? {
          assertedIdentity: formatNameAddr({
            uri: identity.callerUri,
            ...(identity.callerName ? { displayName: identity.callerName } : {}),
          }),
        }
      : {}),
    to: { uri: /^[0-9*#+]+$/.test(spec.targetKey) ? `sip:${spec.targetKey}@${local.domain}` : spec.uri },
    maxForwards: Math.max(0, (invite.maxForwards ?? 70) - 1),
    ...(body ? { body } : {}),
    allow: local.allow,
    ...(local.sessionTimers ? { sessionTimers: local.sessionTimers } : {}),
    callId: `${randomUUID()}@switchboard`,
    ...(spec.extraHeaders ? { extraHeaders: spec.extraHeaders } : {}),
  };
}

/**
 * The INVITE to a SIP provider: our account's From (or the anonymous one) and the number in the
 * Request-URI and To, the caller ID in P-Asserted-Identity when the trunk asks for it, `Privacy: id`
 * for anonymous calls, the outbound proxy as Route; never our internal identity (its PAI would name
 * our extension and domain).
 */
function trunkLegInit(
  invite: SipRequest,
  spec: BranchSpec,
  trunk: TrunkLegSpec,
  destination: ResolvedTarget | undefined,
  local: { allow: string; sessionTimers?: SessionTimerSettings | undefined },
  body: ReturnType<typeof bodyOf>,
): CalleeLegInit {
  return {
    requestUri: spec.uri,
    destination: destination ?? { host: '0.0.0.0', port: 0, protocol: 'UDP' },
    from: trunk.from,
    ...(trunk.assertedIdentity ? { assertedIdentity: trunk.assertedIdentity } : {}),
    to: { uri: trunk.to },
    maxForwards: Math.max(0, (invite.maxForwards ?? 70) - 1),
    ...(body ? { body } : {}),
    allow: local.allow,
    ...(local.sessionTimers ? { sessionTimers: local.sessionTimers } : {}),
    callId: `${randomUUID()}@switchboard`,
    trunk,
  };
}
