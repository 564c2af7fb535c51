import {
  defaultStatusFor,
  type FailureOutcome,
  type PlanAction,
  type PlanStep,
  type RoutingPlan,
} from './routing-plan.js';

/** Where a plan goes after a step failed: another step, or a final disposition. */
export type PlanMove =
  | { readonly kind: 'step'; readonly index: number; readonly step: PlanStep }
  | { readonly kind: 'voicemail'; readonly mailbox: string }
  | { readonly kind: 'conference'; readonly room: string }
  | { readonly kind: 'menu'; readonly menu: string }
  | { readonly kind: 'redirect'; readonly status: number; readonly contacts: readonly string[] }
  | { readonly kind: 'reject'; readonly status: number; readonly reason: string }
  | { readonly kind: 'reroute'; readonly destination?: string };

/**
 * The plan's control flow, shared by the B2BUA's executor and the testkit's simulator so that
 * what a plugin's tests show is what the PBX does.
 */
export function firstMove(plan: RoutingPlan): PlanMove {
  return moveToStep(plan, 0, undefined);
}

/** After step `index` failed with `outcome`. */
export function moveAfterFailure(plan: RoutingPlan, index: number, outcome: FailureOutcome): PlanMove {
  const step = plan.steps[index];
  const action: PlanAction =
    step?.type === 'dial' ? (step.onFailure?.[outcome] ?? { type: 'next' }) : { type: 'next' };
  return applyAction(plan, index, action, outcome);
}

function applyAction(
  plan: RoutingPlan,
  index: number,
  action: PlanAction,
  outcome: FailureOutcome | undefined,
): PlanMove {
  switch (action.type) {
    case 'next':
      return moveToStep(plan, index + 1, outcome);
    case 'voicemail':
      return { kind: 'voicemail', mailbox: action.mailbox };
    case 'conference':
      return { kind: 'conference', room: action.room };
    case 'menu':
      return { kind: 'menu', menu: action.menu };
    case 'redirect':
      return { kind: 'redirect', status: action.status, contacts: action.contacts };
    case 'reject':
      return { kind: 'reject', status: action.status, reason: action.reason ?? reasonPhrase(action.status) };
    case 'reroute':
      return action.destination === undefined
        ? { kind: 'reroute' }
        : { kind: 'reroute', destination: action.destination };
  }
}

function moveToStep(plan: RoutingPlan, index: number, lastOutcome: FailureOutcome | undefined): PlanMove {
  const step = plan.steps[index];
  if (step === undefined) {
    if (plan.otherwise && plan.otherwise.type !== 'next')
      return applyAction(plan, index, plan.otherwise, lastOutcome);
    const { status, reason } = defaultStatusFor(lastOutcome ?? 'unavailable');
    return { kind: 'reject', status, reason };
  }
  switch (step.type) {
    case 'dial':
      return { kind: 'step', index, step };
    case 'voicemail':
      return { kind: 'voicemail', mailbox: step.mailbox };
    case 'conference':
      return { kind: 'conference', room: step.room };
    case 'menu':
      return { kind: 'menu', menu: step.menu };
    case 'redirect':
      return { kind: 'redirect', status: step.status, contacts: step.contacts };
    case 'reject':
      return { kind: 'reject', status: step.status, reason: step.reason ?? reasonPhrase(step.status) };
    case 'reroute':
      return step.destination === undefined
        ? { kind: 'reroute' }
        : { kind: 'reroute', destination: step.destination };
  }
}

/** Combines the failures of several targets into the step's outcome (RFC 3261 §16.7 spirit: 6xx first). */
export function combineFailures(outcomes: readonly FailureOutcome[]): FailureOutcome {
  for (const o of ['declined', 'busy', 'no-answer', 'unavailable'] as const)
    if (outcomes.includes(o)) return o;
  return 'unavailable';
}

const PHRASES: Record<number, string> = {
  403: 'Forbidden',
  404: 'Not Found',
  480: 'Temporarily Unavailable',
  486: 'Busy Here',
  487: 'Request Terminated',
  488: 'Not Acceptable Here',
  500: 'Server Internal Error',
  503: 'Service Unavailable',
  600: 'Busy Everywhere',
  603: 'Decline',
  604: 'Does Not Exist Anywhere',
};

export function reasonPhrase(status: number): string {
  return (
    PHRASES[status] ?? (status >= 600 ? 'Global Failure' : status >= 500 ? 'Server Error' : 'Request Failed')
  );
}
