import type { ProcessMetrics } from '@switchboard/metrics';
import type { SecurityEvent, SecurityMetrics } from './security-metrics.js';

/** The Prometheus counter of each security event (no labels: an address or a user never becomes one). */
const COUNTERS: Record<SecurityEvent, { name: string; help: string }> = {
  floodBans: {
    name: 'switchboard_sip_flood_bans_total',
    help: 'Source addresses banned by the SIP flood guard',
  },
  floodDropped: {
    name: 'switchboard_sip_flood_dropped_packets_total',
    help: 'SIP packets dropped unread because their source was banned',
  },
  authFailures: {
    name: 'switchboard_sip_auth_failures_total',
    help: 'Digest verifications that failed (wrong password, unknown user, bad nonce); protocol steps not counted',
  },
  authLockouts: {
    name: 'switchboard_sip_auth_lockouts_total',
    help: 'Digest lock-outs set (a user from an address, or a whole address)',
  },
  authRefusedWhileLocked: {
    name: 'switchboard_sip_auth_refused_locked_total',
    help: 'SIP requests refused with 403 because their source (and user) was locked out',
  },
};

/** Exports every SecurityMetrics event as a counter of the process registry (served on /metrics). */
export function exportSecurityMetrics(security: SecurityMetrics, metrics: ProcessMetrics): void {
  const counters = Object.fromEntries(
    Object.entries(COUNTERS).map(([event, config]) => [event, metrics.counter(config)]),
  );
  security.onIncrement((event, by) => counters[event]?.inc(by));
}
