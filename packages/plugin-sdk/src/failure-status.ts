import type { FailureOutcome } from './routing-plan.js';

/** How a final failure of one branch counts in the plan (the plan speaks in outcomes, not statuses). */
export function outcomeOfStatus(status: number): FailureOutcome {
  if (status === 486 || status === 600) return 'busy';
  if (status >= 600) return 'declined';
  if (status === 408 || status === 487) return 'no-answer';
  return 'unavailable';
}

/**
 * A failure that says the route, not the callee, failed: 408 (no response, RFC 3261 §17.1.1.2
 * Timer B), any 5xx (the provider or its network, RFC 3261 §21.5; RFC 3263 §4.3 fails over on 503),
 * or a target that could not be used at all (reported as 480 without a response). A `failover:
 * 'carrier'` step tries its next target only after these.
 */
export function isCarrierFailure(status: number, responded: boolean): boolean {
  if (!responded) return true;
  return status === 408 || (status >= 500 && status < 600);
}
