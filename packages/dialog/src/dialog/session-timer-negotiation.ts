import type { HeaderField } from './dialog-message.js';

/**
 * RFC 4028 session timer negotiation as pure decisions on header values: what a UAS answers to a
 * session refresh request (§9), what a UAC asks for (§7.1, §7.4) and learns from a 2xx (§7.2) or a
 * 422 (§7.3). "Session refresh request" is the initial INVITE, a re-INVITE or an UPDATE.
 */

/** RFC 4028 §4: no UA may ask for less; the default Min-SE. */
export const RFC4028_MIN_SE = 90;

/** The option tag of the extension (Supported / Require). */
export const TIMER_OPTION_TAG = 'timer';

/** A UA's own session timer policy, in seconds. */
export interface SessionTimerSettings {
  /** The interval asked for (UAC) and the largest granted (UAS). */
  readonly expires: number;
  /** The smallest interval accepted (our Min-SE); a shorter Session-Expires gets 422. */
  readonly minSE: number;
}

/** `refresher` as written in Session-Expires: relative to the request it travels with. */
export type RefresherRole = 'uac' | 'uas';

/** Who refreshes one dialog's session, seen from this UA. */
export type Refresher = 'local' | 'remote';

/** What a session refresh request or its 2xx said about session timers (parsed header values). */
export interface SessionTimerView {
  readonly sessionExpires?: { readonly seconds: number; readonly refresher?: RefresherRole | undefined };
  readonly minSE?: number;
  /** Supported or Require lists `timer`. */
  readonly supportsTimer: boolean;
}

/** A UAS's decision on a session refresh request (§9). */
export type UasSessionTimerDecision =
  | { readonly kind: 'reject'; readonly minSE: number }
  | {
      readonly kind: 'accept';
      readonly interval: number;
      readonly refresher: Refresher;
      /** Session-Expires, Require/Supported for the 2xx. */
      readonly headers: HeaderField[];
    };

/**
 * RFC 4028 §9: a Session-Expires below our minimum gets 422 with our Min-SE. Otherwise the 2xx
 * carries the interval (the request's, reduced to ours but never below either side's Min-SE) and
 * the refresher: the one the request named, else the UAC when it supports the extension (it keeps
 * its own session alive), else us — §3: one side supporting session timers is enough.
 */
export function answerSessionRefresh(
  request: SessionTimerView,
  settings: SessionTimerSettings,
): UasSessionTimerDecision {
  const asked = request.sessionExpires;
  if (asked !== undefined && asked.seconds < settings.minSE) {
    return { kind: 'reject', minSE: Math.max(settings.minSE, request.minSE ?? 0) };
  }
  const floor = Math.max(settings.minSE, request.minSE ?? 0);
  const wanted = Math.max(settings.expires, floor);
  // §9: the UAS may reduce the interval, never increase it.
  const interval = asked === undefined ? wanted : Math.min(asked.seconds, wanted);
  const role: RefresherRole = request.supportsTimer ? (asked?.refresher ?? 'uac') : 'uas';
  const headers: HeaderField[] = [{ name: 'Session-Expires', value: `${interval};refresher=${role}` }];
  // §9: Require: timer MUST be there for refresher=uac and SHOULD for uas when the UAC supports it.
  if (request.supportsTimer) headers.push({ name: 'Require', value: TIMER_OPTION_TAG });
  headers.push({ name: 'Supported', value: TIMER_OPTION_TAG });
  return { kind: 'accept', interval, refresher: role === 'uas' ? 'local' : 'remote', headers };
}

/**
 * Headers of a session refresh request we send (§7.1, §7.4): `Supported: timer`, the interval and
 * our Min-SE. `refresher` keeps the current refresher across the request's roles: `uac` when we
 * refresh, `uas` when the peer does; omitted on the initial INVITE so the UAS chooses (§7.1).
 */
export function sessionRefreshHeaders(interval: number, minSE: number, refresher?: Refresher): HeaderField[] {
  const role = refresher === undefined ? '' : `;refresher=${refresher === 'local' ? 'uac' : 'uas'}`;
  return [
    { name: 'Supported', value: TIMER_OPTION_TAG },
    { name: 'Session-Expires', value: `${interval}${role}` },
    { name: 'Min-SE', value: String(minSE) },
  ];
}

/**
 * §7.2: the 2xx to our session refresh request sets the interval and refresher. Without
 * Session-Expires the peer does not do session timers; we keep the interval we asked for and
 * refresh ourselves (§3: the side that supports them does the refreshing). A 2xx that names no
 * refresher leaves it to us, the UAC.
 */
export function sessionTimerFromAnswer(
  answer: SessionTimerView,
  asked: number,
): { readonly interval: number; readonly refresher: Refresher } {
  const se = answer.sessionExpires;
  if (se === undefined) return { interval: asked, refresher: 'local' };
  return { interval: se.seconds, refresher: se.refresher === 'uas' ? 'remote' : 'local' };
}

/**
 * §7.3: after a 422 the request is retried with the interval raised to the response's Min-SE
 * (which also becomes our Min-SE). Undefined when the 422 gives nothing larger than we asked for
 * (retrying would loop).
 */
export function settingsAfter422(
  settings: SessionTimerSettings,
  minSEIn422: number | undefined,
): SessionTimerSettings | undefined {
  if (minSEIn422 === undefined || minSEIn422 <= settings.expires) return undefined;
  return { expires: minSEIn422, minSE: Math.max(settings.minSE, minSEIn422) };
}

/**
 * §10: the side that does not refresh ends the session this long before it would expire
 * (the minimum of 32 seconds and a third of the interval), in milliseconds.
 */
export function expiryMarginMs(intervalSeconds: number): number {
  return Math.min(32_000, (intervalSeconds * 1000) / 3);
}
