import { parseMessage, type SipRequest } from '@switchboard/sip';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import { buildMessageSummary } from '../src/mwi/message-summary-body.js';
import { buildUnsolicitedNotify } from '../src/mwi/unsolicited-notify.js';
import type { EventSubscription } from '../src/subscriptions/event-subscription.js';
import { buildInDialogNotify } from '../src/subscriptions/notify-request.js';
import {
  afterNotify,
  badEvent,
  decideSubscribe as decide,
  type SubscribeFacts,
  type SubscribeLimits,
} from '../src/subscriptions/subscribe-decision.js';
import { SubscriptionTimers } from '../src/subscriptions/subscription-timers.js';

/** The message-summary package's terms (RFC 3842 §4: an hour by default). */
const summary = { contentType: 'application/simple-message-summary', defaultExpires: 3600 };
const decideSubscribe = (facts: SubscribeFacts, l: SubscribeLimits) => decide(facts, l, summary);

const limits = { minExpires: 60, maxExpires: 3600 };
const initial: SubscribeFacts = {
  accept: [],
  expires: 600,
  inDialog: false,
  fromTag: 'ft',
  cseq: 1,
};

function roundTrip(request: SipRequest): SipRequest {
  const wire = request.toBuffer();
  const viaAdded = Buffer.from(
    wire.toString('latin1').replace('\r\n', '\r\nVia: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKtest\r\n'),
    'latin1',
  );
  const parsed = parseMessage(viaAdded);
  if (parsed.kind !== 'request') throw new Error('not a request');
  return parsed;
}

describe('message-summary body (RFC 3842 §5.2)', () => {
  it('says yes with new messages, gives new/old and urgent counts, CRLF lines', () => {
    expect(buildMessageSummary({ account: 'sip:201@pbx.test', newMessages: 2, oldMessages: 8 })).toBe(
      'Messages-Waiting: yes\r\nMessage-Account: sip:201@pbx.test\r\nVoice-Message: 2/8 (0/0)\r\n',
    );
  });

  it('says no when only heard messages are left', () => {
    const body = buildMessageSummary({
      account: 'sip:201@pbx.test',
      newMessages: 0,
      oldMessages: 3,
      oldUrgent: 1,
    });
    expect(body.split('\r\n')).toEqual([
      'Messages-Waiting: no',
      'Message-Account: sip:201@pbx.test',
      'Voice-Message: 0/3 (0/1)',
      '',
    ]);
  });

  it('refuses negative or fractional counts and a multi-line account', () => {
    expect(() => buildMessageSummary({ account: 'sip:1@x', newMessages: -1, oldMessages: 0 })).toThrow(
      RangeError,
    );
    expect(() => buildMessageSummary({ account: 'sip:1@x', newMessages: 1.5, oldMessages: 0 })).toThrow(
      /newMessages must be a non-negative integer/,
    );
    expect(() => buildMessageSummary({ account: 'sip:1@x\r\nX: y', newMessages: 0, oldMessages: 0 })).toThrow(
      /one line/,
    );
  });
});

describe('SUBSCRIBE decisions (RFC 6665 §4.2.1)', () => {
  it('accepts message-summary with the asked expiry, capped at the maximum, default 3600', () => {
    expect(decideSubscribe(initial, limits)).toEqual({ kind: 'subscribe', expires: 600 });
    expect(decideSubscribe({ ...initial, expires: 86_400 }, limits)).toEqual({
      kind: 'subscribe',
      expires: 3600,
    });
    expect(decideSubscribe({ ...initial, expires: undefined }, limits)).toEqual({
      kind: 'subscribe',
      expires: 3600,
    });
    expect(decideSubscribe({ ...initial, expires: undefined }, { minExpires: 60, maxExpires: 900 })).toEqual({
      kind: 'subscribe',
      expires: 900,
    });
  });

  it('answers 489 with Allow-Events listing the packages served', () => {
    expect(badEvent(['message-summary', 'dialog'])).toEqual({
      kind: 'reject',
      status: 489,
      reason: 'Bad Event',
      headers: [['Allow-Events', 'message-summary, dialog']],
    });
  });

  it('answers 423 with Min-Expires below the minimum; Expires 0 unsubscribes (or fetches)', () => {
    expect(decideSubscribe({ ...initial, expires: 30 }, limits)).toEqual({
      kind: 'reject',
      status: 423,
      reason: 'Interval Too Brief',
      headers: [['Min-Expires', '60']],
    });
    expect(decideSubscribe({ ...initial, expires: 0 }, limits)).toEqual({ kind: 'unsubscribe' });
  });

  it('answers 406 when Accept excludes the body type, accepts wildcards', () => {
    expect(decideSubscribe({ ...initial, accept: ['application/pidf+xml'] }, limits)).toMatchObject({
      status: 406,
    });
    expect(
      decideSubscribe({ ...initial, accept: ['application/simple-message-summary;q=1'] }, limits).kind,
    ).toBe('subscribe');
    expect(decideSubscribe({ ...initial, accept: ['application/*'] }, limits).kind).toBe('subscribe');
  });

  it('in a dialog: 481 for an unknown subscription or another From tag, 500 for an old CSeq', () => {
    const refresh = { ...initial, inDialog: true, cseq: 5 };
    expect(decideSubscribe(refresh, limits)).toMatchObject({ status: 481 });
    expect(
      decideSubscribe({ ...refresh, existing: { remoteTag: 'other', remoteSeq: 1 } }, limits),
    ).toMatchObject({
      status: 481,
    });
    expect(
      decideSubscribe({ ...refresh, existing: { remoteTag: 'ft', remoteSeq: 5 } }, limits),
    ).toMatchObject({
      status: 500,
    });
    expect(decideSubscribe({ ...refresh, existing: { remoteTag: 'ft', remoteSeq: 4 } }, limits)).toEqual({
      kind: 'subscribe',
      expires: 600,
    });
    expect(
      decideSubscribe({ ...refresh, expires: 0, existing: { remoteTag: 'ft', remoteSeq: 4 } }, limits),
    ).toEqual({
      kind: 'unsubscribe',
    });
  });

  it('drops a subscription after 481, 408, 6xx, a timeout or a transport error; keeps it otherwise', () => {
    expect(
      [200, 202, 481, 408, 603, 500, 486, 'timeout', 'transport-error'].map((o) => afterNotify(o as never)),
    ).toEqual(['keep', 'keep', 'drop', 'drop', 'drop', 'keep', 'keep', 'drop', 'drop']);
  });
});

describe('subscription expiry timers on a fake clock', () => {
  it('fires once at the expiry, a refresh moves it, cancel and stop silence it', () => {
    const clock = new FakeClock();
    const fired: Array<[string, number]> = [];
    const timers = new SubscriptionTimers(clock, (key) => fired.push([key, clock.now()]));
    timers.arm('a', 60_000);
    timers.arm('b', 30_000);
    clock.advance(29_999);
    expect(fired).toEqual([]);
    timers.arm('a', 120_000); // refreshed at t=29 999 s: now due at 149 999
    clock.advance(1);
    expect(fired).toEqual([['b', 30_000]]);
    clock.advance(60_000);
    expect(fired).toHaveLength(1);
    clock.advance(60_000);
    expect(fired).toEqual([
      ['b', 30_000],
      ['a', 149_999],
    ]);
    expect(timers.size).toBe(0);

    timers.arm('c', 1000);
    timers.cancel('c');
    timers.arm('d', 1000);
    timers.stop();
    timers.arm('e', 1000);
    clock.advance(5000);
    expect(fired).toHaveLength(2);
    expect(clock.pending()).toBe(0);
  });
});

describe('NOTIFY requests', () => {
  const sub: EventSubscription = {
    id: 'cid-1@phone;lt',
    event: 'message-summary',
    extension: '201',
    account: 'sip:201@pbx.test',
    callId: 'cid-1@phone',
    localTag: 'lt',
    remoteTag: 'rt',
    localHeader: '<sip:201@pbx.test>;tag=lt',
    remoteHeader: '"Desk" <sip:201@pbx.test>;tag=rt',
    remoteTarget: 'sip:201@198.51.100.7:5062',
    routeSet: [],
    localContact: 'sip:201@192.0.2.1:5060',
    destination: { host: '198.51.100.7', port: 40000, protocol: 'UDP' },
    eventId: 'mw1',
    remoteSeq: 3,
    expiresAt: 0,
    createdAt: 0,
    node: 'n',
  };

  it('in dialog: remote target as Request-URI, swapped From/To with tags, CSeq, Event id, state, body', () => {
    const body = buildMessageSummary({ account: sub.account, newMessages: 1, oldMessages: 0 });
    const n = roundTrip(
      buildInDialogNotify(
        sub,
        7,
        { state: 'active', expires: 599 },
        { contentType: summary.contentType, body },
      ),
    );
    expect(n.method).toBe('NOTIFY');
    expect(n.requestUri).toBe('sip:201@198.51.100.7:5062');
    expect(n.from.tag).toBe('lt');
    expect(n.to.tag).toBe('rt');
    expect(n.callId).toBe('cid-1@phone');
    expect(n.cseq).toMatchObject({ seq: 7, method: 'NOTIFY' });
    expect(n.getHeader('Event')).toBe('message-summary;id=mw1');
    expect(n.getHeader('Subscription-State')).toBe('active;expires=599');
    expect(n.getHeader('Content-Type')).toBe('application/simple-message-summary');
    expect(n.getHeader('Contact')).toBe('<sip:201@192.0.2.1:5060>');
    expect(n.bodyText).toContain('Voice-Message: 1/0 (0/0)');
    expect(n.getHeaders('Route')).toEqual([]);
  });

  it('with a route set: loose routing keeps the target and lists the routes; terminated carries the reason', () => {
    const routed = { ...sub, routeSet: ['<sip:proxy1.test;lr>', '<sip:proxy2.test;lr>'] };
    const n = roundTrip(
      buildInDialogNotify(
        routed,
        8,
        { state: 'terminated', reason: 'timeout' },
        { contentType: summary.contentType, body: '' },
      ),
    );
    expect(n.requestUri).toBe('sip:201@198.51.100.7:5062');
    expect(n.getHeaders('Route')).toEqual(['<sip:proxy1.test;lr>', '<sip:proxy2.test;lr>']);
    expect(n.getHeader('Subscription-State')).toBe('terminated;reason=timeout');
  });

  it('unsolicited: to the contact, outside any dialog, From/To the account', () => {
    const n = roundTrip(
      buildUnsolicitedNotify({
        contact: 'sip:201@198.51.100.7:5062;transport=udp',
        account: 'sip:201@pbx.test',
        localContact: 'sip:201@192.0.2.1:5060',
        expires: 120,
        body: 'Messages-Waiting: no\r\n',
      }),
    );
    expect(n.requestUri).toBe('sip:201@198.51.100.7:5062;transport=udp');
    expect(n.from.uriText).toBe('sip:201@pbx.test');
    expect(n.from.tag).toMatch(/^[0-9a-f]{16}$/);
    expect(n.to.tag).toBeUndefined();
    expect(n.cseq.seq).toBe(1);
    expect(n.getHeader('Subscription-State')).toBe('active;expires=120');
    expect(n.getHeader('Event')).toBe('message-summary');
  });
});
