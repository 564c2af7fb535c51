import { parseMessage, type SipRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { contactHeaderValues, planBindings, type BindingContext } from '../src/registrar/contact-bindings.js';
import { checkMaxForwards, checkMethod, checkRequire } from '../src/sip/request-checks.js';

function request(headers: string[], method = 'REGISTER', maxForwards = 70): SipRequest {
  const text = [
    `${method} sip:pbx.test SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc',
    `Max-Forwards: ${maxForwards}`,
    'From: <sip:1001@pbx.test>;tag=1',
    'To: <sip:1001@pbx.test>',
    'Call-ID: plan-1',
    `CSeq: 7 ${method}`,
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const m = parseMessage(Buffer.from(text));
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

const ctx: BindingContext = {
  aor: 'sip:1001@pbx.test',
  now: 1_000_000,
  origin: { protocol: 'UDP', host: '198.51.100.7', port: 40000, flowId: undefined },
  node: 'test:1',
  minExpires: 60,
  maxExpires: 3600,
};

describe('planBindings (RFC 3261 §10.3 steps 6-7)', () => {
  it('takes the Contact expires parameter over the Expires header, and the maximum when neither is given', () => {
    const plan = planBindings(
      request(['Contact: <sip:a@192.0.2.1>;expires=120, <sip:b@192.0.2.1>', 'Expires: 300']),
      ctx,
    );
    expect(plan.kind === 'update' && plan.changes.map((c) => [c.contact, c.binding?.expiresAt])).toEqual([
      ['sip:a@192.0.2.1', 1_000_000 + 120_000],
      ['sip:b@192.0.2.1', 1_000_000 + 300_000],
    ]);
    const noExpiry = planBindings(request(['Contact: <sip:c@192.0.2.1>']), ctx);
    expect(noExpiry.kind === 'update' && noExpiry.changes[0]?.binding?.expiresAt).toBe(1_000_000 + 3_600_000);
  });

  it('records the real source, transport, Call-ID, CSeq and q of each binding', () => {
    const plan = planBindings(
      request(['Contact: "Desk" <sip:a@10.0.0.2>;q=0.7', 'User-Agent: Phone/2']),
      ctx,
    );
    expect(plan.kind === 'update' && plan.changes[0]?.binding).toEqual({
      aor: 'sip:1001@pbx.test',
      contact: 'sip:a@10.0.0.2',
      expiresAt: 1_000_000 + 3_600_000,
      registeredAt: 1_000_000,
      sourceAddress: '198.51.100.7:40000',
      transport: 'UDP',
      callId: 'plan-1',
      cseq: 7,
      node: 'test:1',
      q: 0.7,
      displayName: 'Desk',
      userAgent: 'Phone/2',
    });
  });

  it('answers 423 with Min-Expires below the minimum, but lets 0 remove a binding', () => {
    expect(planBindings(request(['Contact: <sip:a@192.0.2.1>;expires=59']), ctx)).toEqual({
      kind: 'reject',
      status: 423,
      reason: 'Interval Too Brief',
      headers: { 'Min-Expires': '60' },
    });
    expect(planBindings(request(['Contact: <sip:a@192.0.2.1>;expires=0']), ctx)).toEqual({
      kind: 'update',
      changes: [{ contact: 'sip:a@192.0.2.1' }],
    });
  });

  it('accepts "*" only alone and with Expires: 0; no Contact is a query', () => {
    expect(planBindings(request(['Contact: *', 'Expires: 0']), ctx)).toEqual({ kind: 'remove-all' });
    expect(planBindings(request(['Contact: *']), ctx)).toMatchObject({ kind: 'reject', status: 400 });
    expect(
      planBindings(request(['Contact: *', 'Contact: <sip:a@192.0.2.1>', 'Expires: 0']), ctx),
    ).toMatchObject({
      kind: 'reject',
      status: 400,
    });
    expect(planBindings(request([]), ctx)).toEqual({ kind: 'query' });
  });

  it('lists bindings best q first with their remaining seconds', () => {
    const values = contactHeaderValues(
      [
        { aor: 'x', contact: 'sip:low@h', expiresAt: 61_500, q: 0.1 },
        { aor: 'x', contact: 'sip:high@h', expiresAt: 30_000 },
      ],
      1_000,
    );
    expect(values).toEqual(['<sip:high@h>;expires=29', '<sip:low@h>;expires=61;q=0.1']);
  });
});

describe('request checks (RFC 3261 §8.2)', () => {
  it('483 only for requests that would be relayed with no hops left', () => {
    expect(checkMaxForwards(request([], 'INVITE', 0), false)).toEqual({
      status: 483,
      reason: 'Too Many Hops',
    });
    expect(checkMaxForwards(request([], 'INVITE', 1), false)).toBeUndefined();
    expect(checkMaxForwards(request([], 'REGISTER', 0), true)).toBeUndefined();
    expect(checkMaxForwards(request([], 'CANCEL', 0), false)).toBeUndefined();
  });

  it('420 lists every unsupported option tag; supported ones and ACK/CANCEL pass', () => {
    const supported = new Set(['timer']);
    expect(checkRequire(request(['Require: timer, 100rel, foo'], 'INVITE'), supported)).toEqual({
      status: 420,
      reason: 'Bad Extension',
      headers: { Unsupported: '100rel, foo' },
    });
    expect(checkRequire(request(['Require: timer'], 'INVITE'), supported)).toBeUndefined();
    expect(checkRequire(request(['Require: foo'], 'CANCEL'), supported)).toBeUndefined();
  });

  it('405 carries the Allow list', () => {
    expect(checkMethod(request([], 'PUBLISH'), ['ACK', 'OPTIONS'])).toEqual({
      status: 405,
      reason: 'Method Not Allowed',
      headers: { Allow: 'ACK, OPTIONS' },
    });
    expect(checkMethod(request([], 'OPTIONS'), ['ACK', 'OPTIONS'])).toBeUndefined();
  });
});
