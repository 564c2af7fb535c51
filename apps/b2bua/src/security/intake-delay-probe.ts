import crypto from 'node:crypto';
import type { Clock, Endpoint, TimerHandle } from '@switchboard/transactions';

/** How often a probe goes out while none is in flight. */
export const PROBE_INTERVAL_MS = 50;
/** A probe not back after this long is taken as dropped (a full receive buffer) and sent again. */
export const PROBE_LOST_MS = 5000;
/** A NUL first byte: no SIP message (request line, status line, CRLF keep-alive) starts with one. */
const MAGIC = Buffer.from('\0sb-intake-probe\0', 'latin1');
const TOKEN_BYTES = 16;
const PROBE_BYTES = MAGIC.length + TOKEN_BYTES + 4;

export interface IntakeDelayProbeOptions {
  readonly clock: Clock;
  /** Sends one probe datagram to the SIP UDP listener (from `source`). */
  readonly send: (payload: Buffer) => void;
  /** Told the current wait (`delayMs`) once per PROBE_INTERVAL_MS: the overload control's step. */
  readonly onDelay?: (delayMs: number) => void;
}

/**
 * How long a datagram waits in the SIP UDP socket's receive queue before the process reads it. A
 * single-threaded signalling process at saturation still turns its event loop every few ms (libuv
 * reads up to 32 datagrams per turn), so event-loop lag stays low while the kernel queue — 4 MiB, a
 * few thousand datagrams — grows to seconds: every INVITE, and every 503 that overload control
 * would give it, then waits that long. The probe measures that wait directly: a datagram sent to
 * the listener itself queues behind everything received before it, and its delay is read when the
 * transport reaches it. While a probe is in flight its age is a lower bound of the current wait
 * (whatever is read now arrived before it), so a growing queue is seen before the probe comes back.
 *
 * One probe in flight at a time, every PROBE_INTERVAL_MS while datagrams arrive (an idle listener
 * costs a timer, no datagrams); a per-process random token and the probe socket's address identify
 * ours (a forged probe is dropped like any non-SIP datagram).
 */
export class IntakeDelayProbe {
  private readonly token = crypto.randomBytes(TOKEN_BYTES);
  private seq = 0;
  /** The probe out: its own send time (its measurement) and when the first unanswered probe left. */
  private inFlight: { seq: number; sentAt: number; waitingSince: number } | undefined;
  private lastDelayMs = 0;
  private timer: TimerHandle | undefined;
  private stopped = false;
  private source: Endpoint | undefined;
  /** A datagram was read since the last probe went out (an idle listener is not probed). */
  private active = false;

  constructor(private readonly options: IntakeDelayProbeOptions) {}

  /** Starts probing; `source` is the address the probes come from (the probe socket's). */
  start(source: Endpoint): void {
    this.source = source;
    this.stopped = false;
    this.active = true; // the first probe goes at once
    this.tick();
  }

  stop(): void {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
  }

  /** The current receive-queue wait (ms): the last probe's, or the in-flight probe's age if longer. */
  get delayMs(): number {
    if (!this.inFlight) return this.lastDelayMs;
    return Math.max(this.lastDelayMs, this.options.clock.now() - this.inFlight.waitingSince);
  }

  /**
   * True when the datagram is one of our probes (consumed: it never reaches the SIP stack). A
   * datagram that only looks like one (wrong source or token) is left to the stack, which drops it
   * as unparseable.
   */
  take(data: Buffer, from: Endpoint): boolean {
    if (!this.isOurs(data, from)) {
      this.active = true;
      return false;
    }
    const seq = data.readUInt32BE(MAGIC.length + TOKEN_BYTES);
    if (this.inFlight?.seq === seq) {
      this.lastDelayMs = this.options.clock.now() - this.inFlight.sentAt;
      this.inFlight = undefined;
    }
    return true;
  }

  private isOurs(data: Buffer, from: Endpoint): boolean {
    if (data.length !== PROBE_BYTES || data[0] !== 0 || !data.subarray(0, MAGIC.length).equals(MAGIC))
      return false;
    const source = this.source;
    if (!source || from.port !== source.port || from.host !== source.host) return false;
    return data.subarray(MAGIC.length, MAGIC.length + TOKEN_BYTES).equals(this.token);
  }

  private tick(): void {
    if (this.stopped) return;
    const now = this.options.clock.now();
    if (!this.inFlight && !this.active) {
      // Nothing read for a whole interval while timers ran: nothing waits in the queue.
      this.lastDelayMs = 0;
    } else if (!this.inFlight || now - this.inFlight.sentAt >= PROBE_LOST_MS) {
      this.active = false;
      this.seq = (this.seq + 1) >>> 0;
      const payload = Buffer.allocUnsafe(PROBE_BYTES);
      MAGIC.copy(payload, 0);
      this.token.copy(payload, MAGIC.length);
      payload.writeUInt32BE(this.seq, MAGIC.length + TOKEN_BYTES);
      // A lost probe's age still counts (a full buffer drops datagrams) until one returns.
      this.inFlight = { seq: this.seq, sentAt: now, waitingSince: this.inFlight?.waitingSince ?? now };
      this.options.send(payload);
    }
    this.options.onDelay?.(this.delayMs);
    this.timer = this.options.clock.schedule(PROBE_INTERVAL_MS, () => this.tick());
  }
}
