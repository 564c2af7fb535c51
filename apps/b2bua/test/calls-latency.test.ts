import { describe, expect, it } from 'vitest';
import { CallLatencyRecorder } from '../src/calls/call-latency.js';

describe('CallLatencyRecorder', () => {
  it('summarises percentiles per kind and resets', () => {
    const r = new CallLatencyRecorder();
    for (let i = 1; i <= 100; i++) r.record('inviteInToOut', i);
    r.record('okInToOut', 0.123);
    const s = r.takeSummary();
    expect(s.inviteInToOut).toEqual({ count: 100, p50: 51, p95: 96, p99: 100 });
    expect(s.okInToOut).toEqual({ count: 1, p50: 0.12, p95: 0.12, p99: 0.12 });
    expect(s.routing.count).toBe(0);
    expect(s.routing.p50).toBeNaN();
    expect(r.takeSummary().inviteInToOut.count).toBe(0);
  });

  it('summarises the setup stages alongside the totals', () => {
    const r = new CallLatencyRecorder();
    r.record('auth', 0.5);
    r.record('routingPickup', 1.25);
    const s = r.takeSummary();
    expect(s.auth).toEqual({ count: 1, p50: 0.5, p95: 0.5, p99: 0.5 });
    expect(s.routingPickup.p50).toBe(1.25);
    expect(s.routingReply.count).toBe(0);
  });
});
