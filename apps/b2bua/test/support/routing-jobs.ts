import crypto from 'node:crypto';
import type { RoutingJob } from '../../src/jobs/routing-job.js';

/**
 * A routing job as the signalling role sends it for a call from extension 100 (Alice) to `destination`
 * in `domain`, with a fresh Call-ID; `call` overrides any field of the call.
 */
export function routingJob(
  destination: string,
  { domain = 'pbx.test', ...call }: Partial<RoutingJob['call']> & { domain?: string } = {},
): RoutingJob {
  return {
    attempt: 0,
    call: {
      callId: `${crypto.randomUUID()}@caller.test`,
      caller: { uri: `sip:100@${domain}`, displayName: 'Alice', extension: '100' },
      destination,
      requestUri: `sip:${destination}@${domain}`,
      receivedAt: new Date().toISOString(),
      history: [],
      ...call,
    },
  };
}
