import type { RoutingFallback } from '@switchboard/config';
import type { CallAttempt, RoutingPlan } from '@switchboard/plugin-sdk';
import type { RecordingPlan } from '../recordings/recording-policy.js';
import type { CallDeps } from './call-deps.js';
import type { Disposition } from './records/call-record-builder.js';

/** Who calls and what they dialled, as the plugins see it. */
export interface CallIdentity {
  readonly callerUri: string;
  readonly callerName?: string;
  readonly callerExtension?: string;
  readonly callerUserAgent?: string;
  /** The trunk an inbound call came in on (then `destination` is the DID). */
  readonly callerTrunk?: string;
  /** The outside caller's number of an inbound trunk call (or "anonymous"). */
  readonly externalNumber?: string;
  /**
   * A transfer's (or three-way call's, a park ring-back's) authorising party: outside targets go out
   * on its dialling class, outside-call limit and caller ID (the plugins' `caller.transferredBy`).
   */
  readonly transferredBy?: TransferAuthority;
  /** The Request-URI's user part (a trunk call: the DID). */
  readonly destination: string;
  readonly requestUri: string;
}

/** Who authorises a transfer's outside call: one of our extensions, or an outsider (none). */
export interface TransferAuthority {
  readonly uri: string;
  readonly extension?: string;
  readonly name?: string;
}

/** `party` (a transferor, a three-way presser, a parker) as the authority of a new call. */
export function authorityOf(party: CallIdentity): TransferAuthority {
  return {
    uri: party.callerUri,
    ...(party.callerExtension ? { extension: party.callerExtension } : {}),
    ...(party.callerName ? { name: party.callerName } : {}),
  };
}

export interface RouteRequest {
  readonly callId: string;
  readonly identity: CallIdentity;
  readonly receivedAt: string;
  readonly history: readonly CallAttempt[];
  readonly attempt: number;
  readonly signal: AbortSignal;
}

export type RouteResult =
  | {
      readonly kind: 'plan';
      readonly pluginId: string;
      readonly plan: RoutingPlan;
      readonly recording?: RecordingPlan;
    }
  | { readonly kind: 'cancelled' }
  | {
      readonly kind: 'reject';
      readonly status: number;
      readonly reason: string;
      readonly headers: ReadonlyArray<readonly [string, string]>;
      readonly disposition: Disposition;
      readonly cause: string;
    };

/**
 * Asks the routing queue for a plan (bounded wait in RoutingClientService) and maps what cannot
 * be dialled to the caller's answer: nobody knows the destination → 404; a plugin or worker failure,
 * no worker alive, a job nobody picked up, a timeout or a queue error → the configured fallback,
 * else 503 with Retry-After (never a hung call).
 */
export async function routeCall(deps: CallDeps, req: RouteRequest): Promise<RouteResult> {
  const outcome = await deps
    .requestPlan(
      {
        call: {
          callId: req.callId,
          caller: {
            uri: req.identity.callerUri.slice(0, 1024),
            ...(req.identity.callerName ? { displayName: req.identity.callerName.slice(0, 255) } : {}),
            ...(req.identity.callerExtension ? { extension: req.identity.callerExtension } : {}),
            ...(req.identity.callerTrunk ? { trunk: req.identity.callerTrunk } : {}),
            ...(req.identity.transferredBy
              ? { transferredBy: transferredBy(req.identity.transferredBy) }
              : {}),
          },
          destination: req.identity.destination.slice(0, 255) || '(none)',
          requestUri: req.identity.requestUri.slice(0, 1024),
          receivedAt: req.receivedAt,
          history: req.history.slice(-16).map((h) => ({ ...h, tried: [...h.tried] })),
        },
        attempt: req.attempt,
      },
      req.signal,
    )
    .catch((err: unknown) => ({ kind: 'queue-error' as const, message: String(err) }));
  switch (outcome.kind) {
    case 'plan':
      return {
        kind: 'plan',
        pluginId: outcome.pluginId,
        plan: outcome.plan,
        ...(outcome.recording ? { recording: outcome.recording } : {}),
      };
    case 'cancelled':
      return { kind: 'cancelled' };
    case 'no-route':
      return {
        kind: 'reject',
        status: 404,
        reason: 'Not Found',
        headers: [],
        disposition: 'rejected',
        cause: 'no route',
      };
    case 'plugin-failed':
      return unavailable(
        deps,
        req.callId,
        outcome.message || `plugin ${outcome.pluginId} ${outcome.failure}`,
      );
    case 'worker-error':
      return unavailable(deps, req.callId, 'routing worker error', outcome.message);
    case 'no-worker':
      return unavailable(deps, req.callId, 'no routing worker alive');
    case 'not-picked-up':
      return unavailable(deps, req.callId, `routing job not picked up within ${outcome.waitedMs} ms`);
    case 'timeout':
      return unavailable(deps, req.callId, 'routing timeout');
    case 'queue-error':
      // The Redis error's text (it names addresses) is logged, never recorded as the cause.
      return unavailable(deps, req.callId, 'routing queue error', outcome.message);
  }
}

function transferredBy(a: TransferAuthority): { uri: string; extension?: string } {
  return { uri: a.uri.slice(0, 1024), ...(a.extension ? { extension: a.extension } : {}) };
}

/**
 * Routing failed (plugin error, timeout, queue error): the configured fallback
 * (SWITCHBOARD_ROUTING_FALLBACK) as a local plan, or 503 + Retry-After. The failure is logged with
 * `detail` (internal error text); `cause` is what the call record says.
 */
export function unavailable(deps: CallDeps, callId: string, cause: string, detail?: string): RouteResult {
  const fallback = deps.routingFallback;
  deps.logger.error({ call: callId, cause, detail, fallback }, 'routing failed, using the routing fallback');
  const plan = fallbackPlan(fallback);
  if (plan) return { kind: 'plan', pluginId: 'routing-fallback', plan };
  return {
    kind: 'reject',
    status: 503,
    reason: 'Service Unavailable',
    headers: [['Retry-After', String(deps.retryAfterSeconds)]],
    disposition: 'failed',
    cause,
  };
}

/** Ring time of the extension fallback: the extensions plugin's default. */
const FALLBACK_RING_SECONDS = 20;

/** The fallback as a plan the executor runs like a plugin's (undefined: plain 503). */
export function fallbackPlan(fallback: RoutingFallback): RoutingPlan | undefined {
  switch (fallback.kind) {
    case 'unavailable':
      return undefined;
    case 'extension':
      // Like the extensions plugin: every registered contact in parallel, then 480/486 (RFC 3261 §21.4).
      return {
        steps: [
          {
            type: 'dial',
            mode: 'parallel',
            targets: [{ kind: 'extension', extension: fallback.extension }],
            ringTimeoutSeconds: FALLBACK_RING_SECONDS,
          },
        ],
      };
    case 'voicemail':
      return { steps: [{ type: 'voicemail', mailbox: fallback.mailbox }] };
    case 'reject':
      return { steps: [{ type: 'reject', status: fallback.status }] };
  }
}
