import type { Clock, TimerHandle } from '@switchboard/transactions';
import type { HeaderField } from './dialog-message.js';
import {
  expiryMarginMs,
  sessionRefreshHeaders,
  settingsAfter422,
  sessionTimerFromAnswer,
  type Refresher,
  type SessionTimerSettings,
  type SessionTimerView,
} from './session-timer-negotiation.js';

export type SessionTimerState = 'idle' | 'waiting' | 'refreshing' | 'ended';

export interface SessionTimerHooks {
  /**
   * We are the refresher and half the interval has passed (RFC 4028 §10): send a session refresh
   * request now, then report its outcome with `answered`, `retryLater`, `failed` or `tooSmall`.
   */
  refresh(): void;
  /** No session refresh in time (§10): the session is over, end it with BYE. */
  expired(): void;
}

/** How many 422s in a row one session refresh request is retried after (§7.3). */
const MAX_422_RETRIES = 2;

/**
 * The RFC 4028 session timer of one dialog, driven by the injected clock.
 *
 * States: idle (no session timer yet) → waiting (armed after a successful session refresh in either
 * direction) → refreshing (we are the refresher, our refresh request is out) → waiting … → ended.
 * When we refresh, the refresh is due at half the interval and the session expires at the full
 * interval; when the peer refreshes, we give up at the interval minus min(32 s, interval/3) (§10).
 * Every successful refresh re-arms both. The owner sends the requests and the BYE; this class decides when.
 */
export class SessionTimer {
  private current: SessionTimerState = 'idle';
  private negotiated: { interval: number; refresher: Refresher } | undefined;
  private refreshTimer: TimerHandle | undefined;
  private expiryTimer: TimerHandle | undefined;
  private deadline: number | undefined;
  private retries422 = 0;

  constructor(
    private readonly clock: Clock,
    private policy: SessionTimerSettings,
    private readonly hooks: SessionTimerHooks,
  ) {}

  get state(): SessionTimerState {
    return this.current;
  }

  /** Seconds of the running interval (undefined before the first refresh). */
  get interval(): number | undefined {
    return this.negotiated?.interval;
  }

  get refresher(): Refresher | undefined {
    return this.negotiated?.refresher;
  }

  /** Our policy, raised by the 422s we got (§7.3): what the next request asks for. */
  get settings(): SessionTimerSettings {
    return this.policy;
  }

  /** Clock time at which the session expires (undefined when not armed). */
  get expiresAt(): number | undefined {
    return this.deadline;
  }

  /** Headers for a session refresh request we send (re-INVITE/UPDATE, ours or relayed). */
  requestHeaders(): HeaderField[] {
    const interval = this.negotiated?.interval ?? this.policy.expires;
    return sessionRefreshHeaders(interval, this.policy.minSE, this.negotiated?.refresher);
  }

  /** A 2xx to a session refresh request we sent, with its session timer headers (§7.2). */
  answered(response: SessionTimerView): void {
    const asked = this.negotiated?.interval ?? this.policy.expires;
    const { interval, refresher } = sessionTimerFromAnswer(response, asked);
    this.refreshed(interval, refresher);
  }

  /** A session refresh succeeded (a 2xx sent or received): the interval and refresher from now on. */
  refreshed(interval: number, refresher: Refresher): void {
    if (this.current === 'ended') return;
    this.cancelTimers();
    this.retries422 = 0;
    this.negotiated = { interval, refresher };
    this.current = 'waiting';
    const ms = interval * 1000;
    if (refresher === 'local') {
      this.refreshTimer = this.clock.schedule(ms / 2, () => this.refreshDue());
      this.armExpiry(ms);
    } else {
      this.armExpiry(ms - expiryMarginMs(interval));
    }
  }

  /**
   * Our refresh got a 422 (§7.3) with this Min-SE: true when it should be sent again at once (the
   * interval is raised to it), false when the 422 gives nothing new or was retried enough.
   */
  tooSmall(minSE: number | undefined): boolean {
    const raised = settingsAfter422(this.policy, minSE);
    if (!raised || this.retries422 >= MAX_422_RETRIES || this.current === 'ended') return false;
    this.retries422 += 1;
    this.policy = raised;
    if (this.negotiated) this.negotiated = { ...this.negotiated, interval: raised.expires };
    return true;
  }

  /**
   * Our refresh was not done but the session stands (e.g. 491, 500, a refresh we could not send):
   * try again halfway to the expiry, while that is still a second or more away.
   */
  retryLater(): void {
    if (this.current === 'ended' || this.deadline === undefined) return;
    this.current = 'waiting';
    this.refreshTimer?.cancel();
    const wait = (this.deadline - this.clock.now()) / 2;
    this.refreshTimer = wait >= 1000 ? this.clock.schedule(wait, () => this.refreshDue()) : undefined;
  }

  /** Our refresh timed out or got 408/481 (§10): the session is over; the owner sends BYE. */
  failed(): void {
    this.stop();
  }

  stop(): void {
    this.cancelTimers();
    this.current = 'ended';
  }

  private refreshDue(): void {
    this.refreshTimer = undefined;
    if (this.current !== 'waiting') return;
    this.current = 'refreshing';
    this.hooks.refresh();
  }

  private armExpiry(ms: number): void {
    this.deadline = this.clock.now() + ms;
    this.expiryTimer = this.clock.schedule(ms, () => {
      this.expiryTimer = undefined;
      if (this.current === 'ended') return;
      this.stop();
      this.hooks.expired();
    });
  }

  private cancelTimers(): void {
    this.refreshTimer?.cancel();
    this.expiryTimer?.cancel();
    this.refreshTimer = undefined;
    this.expiryTimer = undefined;
    this.deadline = undefined;
  }
}
