import { externalTarget } from './external-target.js';
import type { CallContext } from './call-context.js';
import type { RoutingPlanInput } from './routing-plan.js';

type PlanStepInput = RoutingPlanInput['steps'][number];

/**
 * Where a call goes when nobody answered — FreePBX's "destination if no answer", shared by ring groups
 * (their fallback) and follow-me (its final destination after the last step): another extension or
 * ring group (asked through the plugin chain again, so its own follow-me and voicemail apply), a
 * mailbox, an external number or URI, busy (486) or hang up / none (480).
 */
export type NoAnswerDestination =
  | { readonly kind: 'none' | 'hangup' | 'busy' }
  | { readonly kind: 'extension' | 'ring_group' | 'voicemail' | 'external'; readonly target: string };

export interface NoAnswerStepOptions {
  /** Domain (host[:port]) for an external number; default the call's own domain. */
  readonly externalDomain?: string | undefined;
  readonly externalScheme: 'sip' | 'tel';
  /** How long an external destination rings. */
  readonly externalRingSeconds: number;
  /** Called when the target cannot be dialled (the step is then 480). */
  readonly onUnusable: (destination: NoAnswerDestination) => void;
}

const EXTENSION_NUMBER = /^[0-9*#+]{1,32}$/;

export const UNAVAILABLE_STEP: PlanStepInput = {
  type: 'reject',
  status: 480,
  reason: 'Temporarily Unavailable',
};

/** RFC 3261 §21.4.24: the callee was contacted and is busy. */
export const BUSY_STEP: PlanStepInput = { type: 'reject', status: 486, reason: 'Busy Here' };

/** The plan step that carries a call to its no-answer destination. */
export function noAnswerStep(
  destination: NoAnswerDestination,
  call: CallContext,
  options: NoAnswerStepOptions,
): PlanStepInput {
  const unusable = (): PlanStepInput => {
    options.onUnusable(destination);
    return UNAVAILABLE_STEP;
  };
  switch (destination.kind) {
    case 'none':
    case 'hangup':
      return UNAVAILABLE_STEP;
    case 'busy':
      return BUSY_STEP;
    case 'extension':
    case 'ring_group':
      return EXTENSION_NUMBER.test(destination.target)
        ? { type: 'reroute', destination: destination.target }
        : unusable();
    case 'voicemail':
      return EXTENSION_NUMBER.test(destination.target)
        ? { type: 'voicemail', mailbox: destination.target }
        : unusable();
    case 'external': {
      const target = externalTarget(destination.target, {
        domain: options.externalDomain,
        scheme: options.externalScheme,
        requestUri: call.requestUri,
      });
      if (!target) return unusable();
      return {
        type: 'dial',
        mode: 'parallel',
        targets: [target],
        ringTimeoutSeconds: options.externalRingSeconds,
      };
    }
  }
}
