import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { TrunkRegistrationStatus } from '@switchboard/live-state';

/** How one REGISTER transaction ended, as the sender saw it (digest challenges already answered). */
export type RegisterOutcome =
  /** 2xx: the registrar keeps our binding for `expires` seconds (RFC 3261 §10.2.4). */
  | { kind: 'registered'; expires: number }
  /** 423 Interval Too Brief with the registrar's Min-Expires (RFC 3261 §10.2.8, §10.3 step 6). */
  | { kind: 'interval-too-brief'; minExpires: number; reason: string }
  /** Any other final response, a challenge we could not answer included (401/403/404/5xx…). */
  | { kind: 'rejected'; status: number; reason: string; retryAfter?: number }
  /** No final response: timeout (Timer F), transport error, no address for the registrar. */
  | { kind: 'no-answer'; reason: string };

/** The sending side: one REGISTER with this Expires (0 = remove our binding); `done` exactly once. */
export interface RegisterSender {
  send(expires: number, done: (outcome: RegisterOutcome) => void): void;
}

export interface RegistrationTiming {
  /** Expires we ask for, seconds. */
  expires: number;
  /** Refresh this long before the granted expiry, but never later than half of it (seconds). */
  refreshMarginSeconds: number;
  /** RFC 5626 §4.5 base and maximum of the failure back-off (seconds). */
  backoffBaseSeconds: number;
  backoffMaxSeconds: number;
}

export const DEFAULT_REGISTRATION_TIMING: Omit<RegistrationTiming, 'expires'> = {
  refreshMarginSeconds: 60,
  backoffBaseSeconds: 30,
  backoffMaxSeconds: 1800,
};

type State = 'idle' | 'registering' | 'registered' | 'waiting' | 'unregistering' | 'stopped';

/**
 * Outbound registration of one trunk (RFC 3261 §10.2 as a UAC), an explicit state machine on the
 * injected clock:
 *
 *   idle ─start→ registering ─2xx→ registered ─refresh timer→ registering …
 *                     │ failure  
 *                     └──→ waiting ─back-off timer→ registering
 *   any ─stop→ unregistering (Expires: 0, only if a binding may exist) → stopped
 *
 * A refresh goes out `refreshMarginSeconds` before the granted expiry (at half of it for short ones).
 * After a failure the wait is RFC 5626 §4.5's `min(max, base · 2^failures)`, randomised to 50–100 %
 * of that, and at least the response's Retry-After (RFC 3261 §20.33). A 423 is retried at once with
 * the registrar's Min-Expires. Every change is reported through `onStatus`.
 */
export class TrunkRegistrationMachine {
  private state: State = 'idle';
  private timer: TimerHandle | undefined;
  /** Tells the outcome of the current REGISTER from a late one of an abandoned attempt. */
  private attempt = 0;
  private failures = 0;
  private expires: number;
  private bindingMayExist = false;
  private status: TrunkRegistrationStatus;
  private readonly stopWaiters: Array<() => void> = [];

  constructor(
    private readonly timing: RegistrationTiming,
    private readonly sender: RegisterSender,
    private readonly clock: Clock,
    private readonly onStatus: (status: TrunkRegistrationStatus) => void,
    /** Wall-clock time for the status (epoch ms); `clock` is monotonic. */
    private readonly wallNow: () => number = Date.now,
    private readonly random: () => number = Math.random,
  ) {
    this.expires = timing.expires;
    this.status = { state: 'registering', failures: 0 };
  }

  get current(): State {
    return this.state;
  }

  get lastStatus(): TrunkRegistrationStatus {
    return this.status;
  }

  start(): void {
    if (this.state !== 'idle') return;
    this.report({ state: 'registering', failures: 0 });
    this.register();
  }

  /** Ends the registration: removes our binding when one may exist. Resolves once stopped. */
  stop(): Promise<void> {
    this.cancelTimer();
    if (this.state === 'stopped') return Promise.resolve();
    const stopped = new Promise<void>((resolve) => this.stopWaiters.push(resolve));
    if (this.state === 'unregistering') return stopped;
    if (!this.bindingMayExist) {
      this.finish();
      return stopped;
    }
    this.state = 'unregistering';
    const attempt = ++this.attempt;
    this.sender.send(0, () => {
      if (attempt === this.attempt) this.finish();
    });
    return stopped;
  }

  /** Forgets the registration without a REGISTER (process shutdown: the next start registers anew). */
  halt(): void {
    this.cancelTimer();
    this.attempt += 1;
    this.state = 'stopped';
    for (const resolve of this.stopWaiters.splice(0)) resolve();
  }

  private register(): void {
    this.state = 'registering';
    const attempt = ++this.attempt;
    // A REGISTER in flight may create the binding even if we never see its answer.
    this.bindingMayExist = true;
    this.sender.send(this.expires, (outcome) => {
      if (attempt === this.attempt && this.state === 'registering') this.handle(outcome);
    });
  }

  private handle(outcome: RegisterOutcome): void {
    switch (outcome.kind) {
      case 'registered': {
        this.failures = 0;
        this.state = 'registered';
        const now = this.wallNow();
        this.report({
          state: 'registered',
          failures: 0,
          lastStatus: 200,
          lastReason: 'OK',
          lastResponseAt: now,
          registeredUntil: now + outcome.expires * 1000,
          expires: outcome.expires,
        });
        this.arm(this.refreshDelaySeconds(outcome.expires), () => this.register());
        return;
      }
      case 'interval-too-brief':
        // RFC 3261 §10.2.8: retry with at least Min-Expires; a registrar repeating 423 for a value it
        // asked for is broken, so that counts as a failure rather than a loop.
        if (outcome.minExpires > this.expires) {
          this.expires = outcome.minExpires;
          this.register();
          return;
        }
        this.fail(423, outcome.reason);
        return;
      case 'rejected':
        this.fail(outcome.status, outcome.reason, outcome.retryAfter);
        return;
      case 'no-answer':
        this.fail(undefined, outcome.reason);
        return;
    }
  }

  private fail(status: number | undefined, reason: string, retryAfter?: number): void {
    this.failures += 1;
    this.state = 'waiting';
    // A rejection means the registrar holds no binding for us (a timeout leaves that open).
    if (status !== undefined) this.bindingMayExist = false;
    const cap = Math.min(
      this.timing.backoffMaxSeconds,
      this.timing.backoffBaseSeconds * 2 ** (this.failures - 1),
    );
    const wait = Math.max(cap * (0.5 + 0.5 * this.random()), retryAfter ?? 0);
    const now = this.wallNow();
    this.report({
      state: 'failing',
      failures: this.failures,
      ...(status !== undefined ? { lastStatus: status } : {}),
      lastReason: reason,
      lastResponseAt: now,
      nextAttemptAt: now + Math.round(wait * 1000),
    });
    this.arm(wait, () => this.register());
  }

  private refreshDelaySeconds(granted: number): number {
    return Math.max(granted / 2, granted - this.timing.refreshMarginSeconds);
  }

  private arm(seconds: number, fn: () => void): void {
    this.cancelTimer();
    this.timer = this.clock.schedule(Math.round(seconds * 1000), () => {
      this.timer = undefined;
      fn();
    });
  }

  private cancelTimer(): void {
    this.timer?.cancel();
    this.timer = undefined;
  }

  private finish(): void {
    this.state = 'stopped';
    this.bindingMayExist = false;
    this.report({ state: 'disabled', failures: 0 });
    for (const resolve of this.stopWaiters.splice(0)) resolve();
  }

  private report(status: TrunkRegistrationStatus): void {
    this.status = status;
    this.onStatus(status);
  }
}
