import type { Logger, RoutingFallback } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import type { CallDeps } from '../src/calls/call-deps.js';
import { fallbackPlan, routeCall, type RouteRequest } from '../src/calls/call-routing.js';
import type { RoutingOutcome } from '../src/routing/routing-client.service.js';

/** routeCall with a scripted routing outcome and a recording logger (no queue, no network). */
function depsFor(outcome: RoutingOutcome | Error, routingFallback: RoutingFallback) {
  const errors: Array<{ obj: Record<string, unknown>; msg: string }> = [];
  const logger = {
    error: (obj: Record<string, unknown>, msg: string) => errors.push({ obj, msg }),
  } as unknown as Logger;
  const deps = {
    logger,
    routingFallback,
    retryAfterSeconds: 5,
    requestPlan: () => (outcome instanceof Error ? Promise.reject(outcome) : Promise.resolve(outcome)),
  } as unknown as CallDeps;
  return { deps, errors };
}

const request: RouteRequest = {
  callId: 'call-1',
  identity: { callerUri: 'sip:100@pbx.test', destination: '7002', requestUri: 'sip:7002@pbx.test' },
  receivedAt: new Date(0).toISOString(),
  history: [],
  attempt: 0,
  signal: new AbortController().signal,
};

const failures: Array<[string, RoutingOutcome | Error, string]> = [
  [
    'a plugin throws',
    {
      kind: 'plugin-failed',
      pluginId: 'behaviour',
      failure: 'threw',
      message: 'plugin "behaviour" threw an error',
    },
    'plugin "behaviour" threw an error',
  ],
  ['the worker is too slow', { kind: 'timeout' }, 'routing timeout'],
  ['no routing worker is alive', { kind: 'no-worker' }, 'no routing worker alive'],
  [
    'no worker picks the job up',
    { kind: 'not-picked-up', waitedMs: 500 },
    'routing job not picked up within 500 ms',
  ],
  [
    'the worker fails outside the plugins',
    { kind: 'worker-error', message: 'connect ECONNRESET 127.0.0.1:5432' },
    'routing worker error',
  ],
  [
    'the queue fails',
    { kind: 'queue-error', message: 'connect ECONNREFUSED 127.0.0.1:6379' },
    'routing queue error',
  ],
  ['requestPlan rejects', new Error('boom at 127.0.0.1:6379'), 'routing queue error'],
];

describe('routing failure fallback (SWITCHBOARD_ROUTING_FALLBACK)', () => {
  it.each(failures)('%s: default 503 with Retry-After and a logged error', async (_name, outcome, cause) => {
    const { deps, errors } = depsFor(outcome, { kind: 'unavailable' });
    const result = await routeCall(deps, request);
    expect(result).toMatchObject({
      kind: 'reject',
      status: 503,
      headers: [['Retry-After', '5']],
      disposition: 'failed',
    });
    expect(result.kind === 'reject' && result.cause).toBe(cause);
    // Internal error text (addresses) is logged, never put in the call record.
    expect(result.kind === 'reject' && result.cause).not.toContain('127.0.0.1');
    expect(errors).toHaveLength(1);
    expect(errors[0]?.obj).toMatchObject({ call: 'call-1', fallback: { kind: 'unavailable' } });
    expect(String(errors[0]?.obj['cause'])).toContain(cause);
    if (cause.startsWith('routing ') && cause.endsWith(' error'))
      expect(String(errors[0]?.obj['detail'])).toContain('127.0.0.1:');
  });

  it.each(failures)(
    '%s: extension fallback rings the extension like the extensions plugin',
    async (_n, outcome) => {
      const { deps, errors } = depsFor(outcome, { kind: 'extension', extension: '200' });
      expect(await routeCall(deps, request)).toEqual({
        kind: 'plan',
        pluginId: 'routing-fallback',
        plan: {
          steps: [
            {
              type: 'dial',
              mode: 'parallel',
              targets: [{ kind: 'extension', extension: '200' }],
              ringTimeoutSeconds: 20,
            },
          ],
        },
      });
      expect(errors).toHaveLength(1);
      expect(errors[0]?.msg).toBe('routing failed, using the routing fallback');
    },
  );

  it('voicemail and reject fallbacks become one-step plans; 503 has none', () => {
    expect(fallbackPlan({ kind: 'voicemail', mailbox: '200' })).toEqual({
      steps: [{ type: 'voicemail', mailbox: '200' }],
    });
    expect(fallbackPlan({ kind: 'reject', status: 486 })).toEqual({
      steps: [{ type: 'reject', status: 486 }],
    });
    expect(fallbackPlan({ kind: 'unavailable' })).toBeUndefined();
  });

  it('a plan, no route or a cancel is not a failure: no fallback, nothing logged', async () => {
    const plan = { steps: [{ type: 'reject' as const, status: 486 }] };
    for (const [outcome, kind] of [
      [{ kind: 'plan', pluginId: 'p', plan }, 'plan'],
      [{ kind: 'no-route' }, 'reject'],
      [{ kind: 'cancelled' }, 'cancelled'],
    ] as const) {
      const { deps, errors } = depsFor(outcome, { kind: 'reject', status: 480 });
      const result = await routeCall(deps, request);
      expect(result.kind).toBe(kind);
      if (result.kind === 'reject') expect(result.status).toBe(404);
      expect(errors).toEqual([]);
    }
  });
});
