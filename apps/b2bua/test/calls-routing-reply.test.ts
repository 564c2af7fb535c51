import { describe, expect, it } from 'vitest';
import { decodeRoutingReply, encodeRoutingReply, routingReplyChannel } from '../src/routing/routing-reply.js';

describe('routing reply channel payloads', () => {
  it('round-trips a plan result keyed by the job id', () => {
    const result = {
      kind: 'plan' as const,
      pluginId: 'extensions',
      plan: { steps: [{ type: 'reject' as const, status: 486 }] },
    };
    expect(decodeRoutingReply(encodeRoutingReply('route-abc-0', result))).toEqual({
      jobId: 'route-abc-0',
      result,
    });
    expect(decodeRoutingReply(encodeRoutingReply('j', { kind: 'no-route' }))).toEqual({
      jobId: 'j',
      result: { kind: 'no-route' },
    });
  });

  it("carries the worker's pick-up and decision times when given (setup stage figures)", () => {
    const timing = { pickedAt: 1_796_650_000_000.25, decidedAt: 1_796_650_000_001.5 };
    expect(decodeRoutingReply(encodeRoutingReply('j', { kind: 'no-route' }, timing))).toEqual({
      jobId: 'j',
      result: { kind: 'no-route' },
      timing,
    });
    expect(decodeRoutingReply('{"jobId":"j","result":{"kind":"no-route"},"timing":{"pickedAt":"x"}}')).toBe(
      undefined,
    );
  });

  it('ignores what is not a reply instead of throwing', () => {
    for (const bad of [
      '',
      'not json',
      '{}',
      '{"jobId":"j"}',
      '{"jobId":"j","result":{"kind":"plan"}}',
      'null',
    ])
      expect(decodeRoutingReply(bad)).toBeUndefined();
  });

  it('names one channel per process under the queue prefix', () => {
    expect(routingReplyChannel('sb-queue', 'host:12:ab')).toBe('sb-queue:routing-reply:host:12:ab');
  });
});
