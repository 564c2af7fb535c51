import { createRequest, type SipRequest } from '@switchboard/sip';
import type { CancelCause } from '../plan/branch-types.js';

/** RFC 3326 Reason for a fork branch that lost (RFC 3261 §16.7 step 10 practice). */
const COMPLETED_ELSEWHERE = 'SIP;cause=200;text="Call completed elsewhere"';

/**
 * RFC 3261 §9.1: the CANCEL repeats the INVITE's Request-URI, Call-ID, To, From and CSeq number
 * (the transaction layer adds the INVITE's top Via when given its branch).
 */
export function buildCancel(invite: SipRequest, cause: CancelCause): SipRequest {
  const headers: Array<readonly [string, string]> = [
    ['Max-Forwards', '70'],
    ['From', invite.getHeader('From') ?? ''],
    ['To', invite.getHeader('To') ?? ''],
    ['Call-ID', invite.callId],
    ['CSeq', `${invite.cseq.seq} CANCEL`],
  ];
  for (const route of invite.getHeaders('Route')) headers.push(['Route', route]);
  if (cause === 'completed-elsewhere') headers.push(['Reason', COMPLETED_ELSEWHERE]);
  headers.push(['Content-Length', '0']);
  return createRequest({ method: 'CANCEL', uri: invite.requestUri, headers });
}
