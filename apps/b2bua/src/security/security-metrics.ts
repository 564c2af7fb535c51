/** Security events counted by the signalling process (exported as metrics by whoever scrapes them). */
export type SecurityEvent =
  /** A source address banned by the flood guard. */
  | 'floodBans'
  /** Packets dropped because their source was banned. */
  | 'floodDropped'
  /** Digest verifications that failed (not the protocol's own steps: missing credentials, stale nonce). */
  | 'authFailures'
  /** Digest lock-outs set (per user from an address, or a whole address). */
  | 'authLockouts'
  /** Requests refused because their source (and user) was locked out. */
  | 'authRefusedWhileLocked';

/**
 * A small counter set: one instance per signalling process, read by `snapshot()` (tests, the
 * SIGUSR2 summary) and by a metrics exporter through `onIncrement`.
 */
export class SecurityMetrics {
  private readonly counts: Record<SecurityEvent, number> = {
    floodBans: 0,
    floodDropped: 0,
    authFailures: 0,
    authLockouts: 0,
    authRefusedWhileLocked: 0,
  };
  private readonly listeners: ((event: SecurityEvent, by: number) => void)[] = [];

  increment(event: SecurityEvent, by = 1): void {
    this.counts[event] += by;
    for (const l of this.listeners) l(event, by);
  }

  /** An exporter (e.g. a Prometheus counter per event) follows every increment from here on. */
  onIncrement(listener: (event: SecurityEvent, by: number) => void): void {
    this.listeners.push(listener);
  }

  snapshot(): Readonly<Record<SecurityEvent, number>> {
    return { ...this.counts };
  }
}
