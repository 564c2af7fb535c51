/**
 * RFC 3261 §17.1.1.1 / Table 4 timer values. They are configuration carried per transport
 * (a WAN UDP leg and a LAN TCP leg may use different T1), never module-level globals.
 */
export interface TimerConfig {
  /** RTT estimate, default 500 ms. */
  readonly t1: number;
  /** Maximum retransmit interval for non-INVITE requests and INVITE responses, default 4 s. */
  readonly t2: number;
  /** Maximum duration a message remains in the network, default 5 s. */
  readonly t4: number;
}

export const DEFAULT_TIMERS: TimerConfig = { t1: 500, t2: 4000, t4: 5000 };

/** What a transaction needs to know about the transport it runs on. */
export interface TransactionContext {
  readonly timers: TimerConfig;
  /** Reliable transports (TCP, TLS, WS) need no retransmissions and zero-length wait timers (§17). */
  readonly reliable: boolean;
}

/** Timer D: at least 32 s on unreliable transports, zero on reliable ones (§17.1.1.2). */
export const TIMER_D_UNRELIABLE = 32_000;

export function validateTimers(t: TimerConfig): TimerConfig {
  for (const [name, v] of Object.entries(t)) {
    if (typeof v !== 'number' || !Number.isFinite(v) || v <= 0) {
      throw new RangeError(`timer ${name} must be a positive number of milliseconds, got ${String(v)}`);
    }
  }
  if (t.t2 < t.t1) throw new RangeError(`T2 (${t.t2}) must not be smaller than T1 (${t.t1})`);
  return t;
}
