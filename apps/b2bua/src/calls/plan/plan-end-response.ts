import { dispositionOfStatus, type Disposition } from '../records/call-record-builder.js';
import type { PlanEnd } from './plan-executor.js';

/** The caller's final response when a plan ends without an answer, and how the record names it. */
export interface PlanEndResponse {
  readonly status: number;
  readonly reason: string;
  readonly headers: ReadonlyArray<readonly [string, string]>;
  readonly disposition: Disposition;
  readonly cause: string;
}

/** A plan's reject or redirect (RFC 3261 §21.3: 301/302 with the Contacts to try) as the caller's answer. */
export function planEndResponse(end: Extract<PlanEnd, { kind: 'reject' | 'redirect' }>): PlanEndResponse {
  if (end.kind === 'reject') {
    const { status, reason } = end;
    return {
      status,
      reason,
      headers: [],
      disposition: dispositionOfStatus(status),
      cause: `plan: ${status}`,
    };
  }
  return {
    status: end.status,
    reason: end.status === 301 ? 'Moved Permanently' : 'Moved Temporarily',
    headers: end.contacts.map((c) => ['Contact', `<${c}>`] as const),
    disposition: 'redirected',
    cause: 'plan: redirect',
  };
}
