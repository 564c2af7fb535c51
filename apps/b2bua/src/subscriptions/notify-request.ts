import { resolveRequestTarget } from '@switchboard/dialog';
import { createRequest, type SipRequest } from '@switchboard/sip';
import type { EventSubscription } from './event-subscription.js';

/** Subscription-State of a NOTIFY (RFC 6665 §8.2.3). */
export type NotifyState =
  { state: 'active'; expires: number } | { state: 'terminated'; reason: 'timeout' | 'noresource' };

export function formatSubscriptionState(s: NotifyState): string {
  return s.state === 'active' ? `active;expires=${s.expires}` : `terminated;reason=${s.reason}`;
}

/** A NOTIFY's body and its type (the package's, RFC 6665 §7.2.4). */
export interface NotifyContent {
  readonly contentType: string;
  readonly body: string;
}

/**
 * A NOTIFY inside a subscription's dialog (RFC 6665 §4.2.2, RFC 3261 §12.2.1.1): Request-URI and
 * Route from the remote target and the route set, From/To swapped from the SUBSCRIBE with both tags,
 * the dialog's Call-ID and our next CSeq, the Event with the subscription's package and id.
 * The transaction layer adds Via.
 */
export function buildInDialogNotify(
  sub: EventSubscription,
  cseq: number,
  state: NotifyState,
  content: NotifyContent,
): SipRequest {
  const target = resolveRequestTarget(sub.remoteTarget, sub.routeSet);
  const event = sub.eventId === undefined ? sub.event : `${sub.event};id=${sub.eventId}`;
  return createRequest({
    method: 'NOTIFY',
    uri: target.requestUri,
    headers: [
      ...target.route.map((r) => ['Route', r] as const),
      ['Max-Forwards', 70],
      ['From', sub.localHeader],
      ['To', sub.remoteHeader],
      ['Call-ID', sub.callId],
      ['CSeq', `${cseq} NOTIFY`],
      ['Contact', `<${sub.localContact}>`],
      ['Event', event],
      ['Subscription-State', formatSubscriptionState(state)],
      ['Content-Type', content.contentType],
    ],
    body: content.body,
  });
}
