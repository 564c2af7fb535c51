/** The smallest share of new calls admitted while throttled: some calls keep probing the capacity. */
export const MIN_ADMITTED_SHARE = 1 / 32;
/** Decrease per step over the target: by the overshoot (target / delay), between these factors. */
const DECREASE_MIN = 0.5;
const DECREASE_MAX = 0.9;
/**
 * Steps in a row over the target before the share is cut: one slow probe is a stall (a GC pause, a
 * compile) that a single datagram waited out, not a queue that stands (CoDel's distinction, RFC 8289:
 * act on a delay that persists for an interval, not on a burst).
 */
const STANDING_STEPS = 2;
/** Increase per step under half the target: multiplicative and additive. */
const INCREASE_FACTOR = 1.25;
const INCREASE_STEP = 1 / 32;

/**
 * The share of new calls admitted, steered by the intake delay (how long datagrams wait in the SIP
 * socket's queue): AIMD like TCP's congestion window, stepped on a fixed period by the caller. Over
 * the target for two steps in a row the share shrinks by the overshoot (target / delay, ×0.5 to ×0.9
 * per step); under half the target it grows back (×1.25 + 1/32 per step: from the floor to all calls
 * in ~10 steps, 0.5 s at 50 ms); in between it holds. Refusing the excess at
 * once, not after a queue of seconds, is what keeps a 503 fast: a refused INVITE costs a parse and one
 * datagram, an admitted one a whole call. Calls are admitted evenly (a credit per INVITE), not in bursts.
 */
export class AdmissionThrottle {
  private share = 1;
  private credit = 0;
  /** Consecutive steps over the target: a standing queue, not one stall, cuts admissions. */
  private overSteps = 0;

  constructor(private readonly targetDelayMs: number) {}

  /** The share of new calls admitted now (1 = all). */
  get admittedShare(): number {
    return this.share;
  }

  get throttling(): boolean {
    return this.share < 1;
  }

  /** One control step with the current intake delay (ms). */
  step(delayMs: number): void {
    if (this.targetDelayMs <= 0) return;
    if (delayMs > this.targetDelayMs) this.overSteps += 1;
    else this.overSteps = 0;
    if (this.overSteps >= STANDING_STEPS) {
      const factor = Math.min(DECREASE_MAX, Math.max(DECREASE_MIN, this.targetDelayMs / delayMs));
      this.share = Math.max(MIN_ADMITTED_SHARE, this.share * factor);
    } else if (delayMs < this.targetDelayMs / 2)
      this.share = Math.min(1, this.share * INCREASE_FACTOR + INCREASE_STEP);
    if (this.share >= 1) this.credit = 0;
  }

  /** Whether the next new call is admitted (always while not throttling). */
  admit(): boolean {
    if (this.share >= 1) return true;
    this.credit += this.share;
    if (this.credit < 1) return false;
    this.credit -= 1;
    return true;
  }
}
