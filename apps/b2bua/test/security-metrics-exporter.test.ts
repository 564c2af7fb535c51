import { ProcessMetrics } from '@switchboard/metrics';
import { describe, expect, it } from 'vitest';
import { SecurityMetrics } from '../src/security/security-metrics.js';
import { exportSecurityMetrics } from '../src/security/security-metrics-exporter.js';

describe('security counters on /metrics', () => {
  it('every SecurityMetrics event is a Prometheus counter of the process registry', async () => {
    const security = new SecurityMetrics();
    const metrics = new ProcessMetrics('signalling');
    exportSecurityMetrics(security, metrics);
    security.increment('floodBans');
    security.increment('floodDropped', 250);
    security.increment('authFailures', 10);
    security.increment('authLockouts');
    security.increment('authRefusedWhileLocked', 3);
    const { body } = await metrics.exposition();
    expect(body).toContain('switchboard_sip_flood_bans_total{role="signalling"} 1');
    expect(body).toContain('switchboard_sip_flood_dropped_packets_total{role="signalling"} 250');
    expect(body).toContain('switchboard_sip_auth_failures_total{role="signalling"} 10');
    expect(body).toContain('switchboard_sip_auth_lockouts_total{role="signalling"} 1');
    expect(body).toContain('switchboard_sip_auth_refused_locked_total{role="signalling"} 3');
  });
});
