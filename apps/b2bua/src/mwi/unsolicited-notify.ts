import crypto from 'node:crypto';
import { createRequest, generateTag, type SipRequest } from '@switchboard/sip';
import { formatSubscriptionState } from '../subscriptions/notify-request.js';
import { MESSAGE_SUMMARY_EVENT, MESSAGE_SUMMARY_TYPE } from './message-summary-body.js';

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
  /** The binding's Path as a preloaded Route set (RFC 3327 §5.3). */
  route?: readonly string[];
}): SipRequest {
  return createRequest({
    method: 'NOTIFY',
    uri: input.contact,
    headers: [
      ...(input.route ?? []).map((value) => ['Route', value] as [string, string]),
      ['Max-Forwards', 70],
      ['From', `<${input.account}>;tag=${generateTag()}`],
      ['To', `<${input.account}>`],
      ['Call-ID', `${crypto.randomUUID()}@switchboard-mwi`],
      ['CSeq', '1 NOTIFY'],
      ['Contact', `<${input.localContact}>`],
      ['Event', MESSAGE_SUMMARY_EVENT],
      [
        'Subscription-State',
        formatSubscriptionState({ state: 'active', expires: Math.max(0, input.expires) }),
      ],
      ['Content-Type', MESSAGE_SUMMARY_TYPE],
    ],
    body: input.body,
  });
}
