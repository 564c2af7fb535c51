import { AdmissionThrottle } from './admission-throttle.js';

/** Bounds of the signalling process's load; 0 leaves a measure unwatched. */
export interface OverloadLimits {
  /** Routing requests waiting for a plan. */
  readonly maxRoutingBacklog: number;
  /** The event loop's mean delay over the last sample interval, in ms. */
  readonly maxLoopLagMs: number;
  /**
   * The target of how long datagrams wait in the SIP UDP socket's receive queue, in ms
   * (`IntakeDelayProbe`): over it the share of new calls admitted is cut (`AdmissionThrottle`).
   */
  readonly maxIntakeDelayMs: number;
  /** Calls this process holds (being authenticated, routed, ringing or answered). */
  readonly maxCalls: number;
}

/** The load read at each decision (cheap counters: map sizes). */
export interface OverloadLoad {
  readonly routingBacklog: number;
  readonly calls: number;
}

export type OverloadMeasure = 'routingBacklog' | 'loopLag' | 'intakeDelay' | 'calls';

/** What an episode's start and end logs and metrics carry. */
export interface OverloadEpisode {
  /** The measures at or over their bound when the episode started. */
  readonly reasons: readonly OverloadMeasure[];
  readonly load: OverloadLoad & { readonly loopLagMs: number; readonly intakeDelayMs: number };
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
 * Hysteresis of the hard bounds (routing backlog, event-loop lag, calls): refusing ends only once
 * each is back to this share of its bound, and not before MIN_EPISODE_MS, so a load hovering at a
 * bound does not flap between 503 and admission. An episode (logs, metrics) lasts at least as long.
 */
export const RESUME_FRACTION = 0.8;
export const MIN_EPISODE_MS = 1000;

/**
 * Decides whether a new call may start (the overload control in front of call control): a pure
 * state machine on the injected clock. `admitNewCall` is asked once per new INVITE and reads the
 * load then, so a burst is cut at a count bound exactly; the event-loop lag is sampled on a timer
 * (`recordLoopLag`, which also ends an episode when no INVITE arrives). Over a hard bound every new
 * call is refused; the intake delay instead steers the share of new calls admitted
 * (`AdmissionThrottle`, stepped by `recordIntakeDelay`), so a process at 2× its capacity keeps
 * taking the calls it can serve and refuses the rest at once.
 */
export class OverloadDetector {
  private loopLagMs = 0;
  private intakeDelayMs = 0;
  private readonly throttle: AdmissionThrottle;
  /** When the hard bounds last started refusing (undefined: they are not). */
  private hardSince: number | undefined;
  private episode:
    | { reasons: OverloadMeasure[]; load: OverloadEpisode['load']; startedAt: number; refused: number }
    | undefined;

  constructor(
    private readonly limits: OverloadLimits,
    private readonly options: OverloadDetectorOptions,
  ) {
    this.throttle = new AdmissionThrottle(limits.maxIntakeDelayMs);
  }

  get overloaded(): boolean {
    return this.episode !== undefined;
  }

  /** The last sampled event-loop delay (ms). */
  get loopLag(): number {
    return this.loopLagMs;
  }

  /** The share of new calls the intake-delay throttle admits now (1 = all). */
  get admittedShare(): number {
    return this.throttle.admittedShare;
  }

  /**
   * True when a new call may start; false means answer it 503 (counted in the episode).
   * `answersChallenge` (an INVITE with credentials) leaves the decision to the hard bounds.
   */
  admitNewCall(answersChallenge = false): boolean {
    const hard = this.evaluate();
    if (!hard && (answersChallenge || this.throttle.admit())) return true;
    if (this.episode) this.episode.refused += 1;
    return false;
  }

  /** A new event-loop delay sample (ms); re-evaluates the state. */
  recordLoopLag(ms: number): void {
    this.loopLagMs = ms;
    this.evaluate();
  }

  /** The intake delay now (ms), once per probe period: one throttle step, then re-evaluates. */
  recordIntakeDelay(ms: number): void {
    this.intakeDelayMs = ms;
    this.throttle.step(ms);
    this.evaluate();
  }

  /** Updates the hard state and the episode; true while the hard bounds refuse every new call. */
  private evaluate(): boolean {
    const load = { ...this.options.load(), loopLagMs: this.loopLagMs, intakeDelayMs: this.intakeDelayMs };
    const now = this.options.now();
    const hardOver = this.over(load, this.hardSince === undefined ? 1 : RESUME_FRACTION);
    if (hardOver.length > 0) this.hardSince ??= now;
    else if (this.hardSince !== undefined && now - this.hardSince >= MIN_EPISODE_MS)
      this.hardSince = undefined;
    const hard = this.hardSince !== undefined;
    const throttling = this.throttle.throttling;
    if (!this.episode) {
      if (!hard && !throttling) return false;
      const reasons: OverloadMeasure[] = throttling ? [...hardOver, 'intakeDelay'] : hardOver;
      this.episode = { reasons, load, startedAt: now, refused: 0 };
      this.options.onStart({ ...this.episode });
      return hard;
    }
    if (hard || throttling || now - this.episode.startedAt < MIN_EPISODE_MS) return hard;
    const ended = this.episode;
    this.episode = undefined;
    this.options.onEnd({ ...ended }, now);
    return false;
  }

  /**
   * The hard measures at or over `fraction` of their bound: a count bound is reached when one more
   * would exceed it (`calls >= maxCalls`), the lag when it is past its bound; on the way down the
   * resume level itself is already "not overloaded".
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
