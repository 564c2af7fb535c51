import crypto from 'node:crypto';
import { resolveRequestTarget } from '@switchboard/dialog';
import { createRequest, generateTag, type SipRequest } from '@switchboard/sip';
import { MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE } from './message-summary-body.js';
import type { MwiSubscription } from './mwi-subscription.js';

/** Subscription-State of a NOTIFY (RFC 6665 §8.2.3). */
export type NotifyState =
  { state: 'active'; expires: number } | { state: 'terminated'; reason: 'timeout' | 'noresource' };

function formatState(s: NotifyState): string {
  return s.state === 'active' ? `active;expires=${s.expires}` : `terminated;reason=${s.reason}`;
}

/**
 * A NOTIFY inside a subscription's dialog (RFC 6665 §4.2.2, RFC 3261 §12.2.1.1): Request-URI and
 * Route from the remote target and the route set, From/To swapped from the SUBSCRIBE with both tags,
 * the dialog's Call-ID and our next CSeq. The transaction layer adds Via.
 */
export function buildInDialogNotify(
  sub: MwiSubscription,
  cseq: number,
  state: NotifyState,
  body: string,
): SipRequest {
  const target = resolveRequestTarget(sub.remoteTarget, sub.routeSet);
  const event =
    sub.eventId === undefined ? MESSAGE_SUMMARY_EVENT : `${MESSAGE_SUMMARY_EVENT};id=${sub.eventId}`;
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
      ['Subscription-State', formatState(state)],
      ['Content-Type', MESSAGE_SUMMARY_TYPE],
    ],
    body,
  });
}

/**
 * An unsolicited NOTIFY to a registered contact that never subscribed (what many desk phones
 * expect from a PBX): a request outside any dialog, its own Call-ID, From/To the mailbox's account.
 * Subscription-State is `active` for as long as the registration lasts: the registration stands in
 * for the subscription the phone did not make.
 */
export function buildUnsolicitedNotify(input: {
  contact: string;
  account: string;
  localContact: string;
  expires: number;
  body: string;
}): SipRequest {
  return createRequest({
    method: 'NOTIFY',
    uri: input.contact,
    headers: [
      ['Max-Forwards', 70],
      ['From', `<${input.account}>;tag=${generateTag()}`],
      ['To', `<${input.account}>`],
      ['Call-ID', `${crypto.randomUUID()}@switchboard-mwi`],
      ['CSeq', '1 NOTIFY'],
      ['Contact', `<${input.localContact}>`],
      ['Event', MESSAGE_SUMMARY_EVENT],
      ['Subscription-State', formatState({ state: 'active', expires: Math.max(0, input.expires) })],
      ['Content-Type', MESSAGE_SUMMARY_TYPE],
    ],
    body: input.body,
  });
}
