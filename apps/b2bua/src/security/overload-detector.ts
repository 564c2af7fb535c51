/** Bounds of the signalling process's load; 0 leaves a measure unwatched. */
export interface OverloadLimits {
  /** Routing requests waiting for a plan. */
  readonly maxRoutingBacklog: number;
  /** The event loop's mean delay over the last sample interval, in ms. */
  readonly maxLoopLagMs: number;
  /** Calls this process holds (being authenticated, routed, ringing or answered). */
  readonly maxCalls: number;
}

/** The load read at each decision (cheap counters: map sizes). */
export interface OverloadLoad {
  readonly routingBacklog: number;
  readonly calls: number;
}

export type OverloadMeasure = 'routingBacklog' | 'loopLag' | 'calls';

/** What an episode's start and end logs and metrics carry. */
export interface OverloadEpisode {
  /** The measures at or over their bound when the episode started. */
  readonly reasons: readonly OverloadMeasure[];
  readonly load: OverloadLoad & { readonly loopLagMs: number };
  readonly startedAt: number;
  /** New calls refused so far in this episode. */
  readonly refused: number;
}

export interface OverloadDetectorOptions {
  /** Monotonic milliseconds (the SIP clock). */
  readonly now: () => number;
  readonly load: () => OverloadLoad;
  readonly onStart: (episode: OverloadEpisode) => void;
  readonly onEnd: (episode: OverloadEpisode, endedAt: number) => void;
}

/**
 * Hysteresis: an episode ends only once every measure is back to this share of its bound, and not
 * before MIN_EPISODE_MS, so a load hovering at a bound does not flap between 503 and admission.
 */
export const RESUME_FRACTION = 0.8;
export const MIN_EPISODE_MS = 1000;

/**
 * Decides whether a new call may start (the overload control in front of call control): a pure
 * state machine on the injected clock. `admitNewCall` is asked once per new INVITE and reads the
 * load then, so a burst is cut at the bound exactly; the event-loop lag is sampled on a timer
 * (`recordLoopLag`, which also ends an episode when no INVITE arrives).
 */
export class OverloadDetector {
  private loopLagMs = 0;
  private episode:
    | { reasons: OverloadMeasure[]; load: OverloadEpisode['load']; startedAt: number; refused: number }
    | undefined;

  constructor(
    private readonly limits: OverloadLimits,
    private readonly options: OverloadDetectorOptions,
  ) {}

  get overloaded(): boolean {
    return this.episode !== undefined;
  }

  /** The last sampled event-loop delay (ms). */
  get loopLag(): number {
    return this.loopLagMs;
  }

  /** True when a new call may start; false means answer it 503 (counted in the episode). */
  admitNewCall(): boolean {
    this.evaluate();
    if (!this.episode) return true;
    this.episode.refused += 1;
    return false;
  }

  /** A new event-loop delay sample (ms); re-evaluates the state. */
  recordLoopLag(ms: number): void {
    this.loopLagMs = ms;
    this.evaluate();
  }

  private evaluate(): void {
    const load = { ...this.options.load(), loopLagMs: this.loopLagMs };
    const now = this.options.now();
    if (!this.episode) {
      const reasons = this.over(load, 1);
      if (reasons.length === 0) return;
      this.episode = { reasons, load, startedAt: now, refused: 0 };
      this.options.onStart({ ...this.episode });
      return;
    }
    if (now - this.episode.startedAt < MIN_EPISODE_MS) return;
    if (this.over(load, RESUME_FRACTION).length > 0) return;
    const ended = this.episode;
    this.episode = undefined;
    this.options.onEnd({ ...ended }, now);
  }

  /**
   * The measures at or over `fraction` of their bound: a count bound is reached when one more would
   * exceed it (`calls >= maxCalls`), the lag when it is past its bound; on the way down the resume
   * level itself is already "not overloaded".
   */
  private over(load: OverloadEpisode['load'], fraction: number): OverloadMeasure[] {
    const { maxRoutingBacklog, maxLoopLagMs, maxCalls } = this.limits;
    const entering = fraction >= 1;
    const counts = (value: number, max: number): boolean =>
      max > 0 && (entering ? value >= max : value > Math.floor(max * fraction));
    const out: OverloadMeasure[] = [];
    if (counts(load.routingBacklog, maxRoutingBacklog)) out.push('routingBacklog');
    if (maxLoopLagMs > 0 && load.loopLagMs > maxLoopLagMs * fraction) out.push('loopLag');
    if (counts(load.calls, maxCalls)) out.push('calls');
    return out;
  }
}
