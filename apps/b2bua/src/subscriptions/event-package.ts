import type { SipRequest } from '@switchboard/sip';
import type { EventSubscription } from './event-subscription.js';
import type { NotifyState } from './notify-request.js';
import type { NotifyOutcome, SubscriptionNotifier } from './subscription-notifier.js';
import type { SubscriptionStore } from './subscription.store.js';

/** Why a watcher may not subscribe to a resource: the SIP answer. */
export interface Refusal {
  readonly status: number;
  readonly reason: string;
}

/**
 * An event package served by the SUBSCRIBE handler (RFC 6665 §7): message-summary (RFC 3842),
 * dialog (RFC 4235). The handler owns the RFC 6665 dialog (authentication, Expires, refresh,
 * unsubscribe); the package owns who may watch what, and the NOTIFY bodies.
 */
export interface EventPackage {
  /** The Event header's package token, lower case. */
  readonly event: string;
  /** Content-Type of its NOTIFY bodies (the SUBSCRIBE's Accept must allow it). */
  readonly contentType: string;
  /** Seconds of a subscription that names no Expires (RFC 6665 §7.2.3). */
  readonly defaultExpires: number;
  readonly store: SubscriptionStore;
  readonly notifier: SubscriptionNotifier;
  /** The resource's URI, e.g. sip:201@pbx.example.com. */
  accountOf(resource: string): string;
  /** Undefined when `watcher` (an authenticated extension) may watch `resource`, else the refusal. */
  authorize(watcher: string, resource: string, request: SipRequest): Promise<Refusal | undefined>;
  /** The NOTIFY right after an accepted SUBSCRIBE or at its end: the full current state (RFC 6665 §4.2.1.2). */
  notifyFullState(sub: EventSubscription, state: NotifyState): Promise<NotifyOutcome>;
}
