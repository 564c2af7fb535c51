import { parseMessage, type SipRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { contactHeaderValues, planBindings, type BindingContext } from '../src/registrar/contact-bindings.js';
import { checkMaxForwards, checkMethod, checkRequire } from '../src/sip/request-checks.js';

function request(
  headers: string[],
  method = 'REGISTER',
  maxForwards = 70,
  from = '<sip:1001@pbx.test>;tag=1',
): SipRequest {
  const text = [
    `${method} sip:pbx.test SIP/2.0`,
    'Via: SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKabc',
    `Max-Forwards: ${maxForwards}`,
    `From: ${from}`,
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

describe('planBindings: RFC 5626 outbound (§6)', () => {
  const tcp: BindingContext = { ...ctx, origin: { ...ctx.origin, protocol: 'TCP', flowId: 'tcp-ab12cd-4' } };
  const instance = '<urn:uuid:00000000-0000-1000-8000-000a95a0e128>';
  const outbound = `Contact: <sip:a@192.0.2.1;transport=tcp;ob>;+sip.instance="${instance}";reg-id=1`;

  it('binds the flow, the instance and the reg-id when the phone supports outbound on a connection', () => {
    const plan = planBindings(request([outbound, 'Supported: path, outbound']), tcp);
    expect(plan.kind === 'update' && plan.outbound).toBe(true);
    expect(plan.kind === 'update' && plan.changes[0]).toMatchObject({
      instance,
      regId: 1,
      binding: { flowId: 'tcp-ab12cd-4', instance, regId: 1, transport: 'TCP' },
    });
  });

  it('ignores reg-id without Supported: outbound or over UDP (no STUN keep-alive), keeping the instance', () => {
    for (const [headers, c] of [
      [[outbound], tcp],
      [[outbound, 'Supported: outbound'], ctx],
    ] as const) {
      const plan = planBindings(request([...headers]), c);
      expect(plan.kind === 'update' && plan.outbound).toBe(false);
      expect(plan.kind === 'update' && plan.changes[0]?.binding).toMatchObject({ instance });
      expect(plan.kind === 'update' && plan.changes[0]?.regId).toBeUndefined();
    }
  });

  it('439 behind a proxy (no Path), 400 for a bad reg-id or two Contacts on one flow', () => {
    const viaProxy = ['Via: SIP/2.0/TCP 192.0.2.9;branch=z9hG4bKpx', outbound, 'Supported: outbound'];
    expect(planBindings(request(viaProxy), tcp)).toMatchObject({ status: 439 });
    const badRegId = outbound.replace('reg-id=1', 'reg-id=0');
    expect(planBindings(request([badRegId, 'Supported: outbound']), tcp)).toMatchObject({
      status: 400,
      reason: 'Invalid reg-id Contact parameter',
    });
    const twice = [outbound, outbound.replace('sip:a@', 'sip:b@'), 'Supported: outbound'];
    expect(planBindings(request(twice), tcp)).toMatchObject({ status: 400 });
  });

  it('lists instance and reg-id in the 200 Contacts', () => {
    const values = contactHeaderValues(
      [{ aor: ctx.aor, contact: 'sip:a@192.0.2.1', expiresAt: 1_060_000, instance, regId: 1 }],
      1_000_000,
    );
    expect(values).toEqual([`<sip:a@192.0.2.1>;expires=60;+sip.instance="${instance}";reg-id=1`]);
  });
});

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

  it("names a binding by the From's display name when its Contact has none (the Live page shows it)", () => {
    const from = '"Reception Desk" <sip:1001@pbx.test>;tag=1';
    const bare = planBindings(request(['Contact: <sip:a@10.0.0.2>'], 'REGISTER', 70, from), ctx);
    expect(bare.kind === 'update' && bare.changes[0]?.binding?.displayName).toBe('Reception Desk');
    const named = planBindings(request(['Contact: "Desk" <sip:a@10.0.0.2>'], 'REGISTER', 70, from), ctx);
    expect(named.kind === 'update' && named.changes[0]?.binding?.displayName).toBe('Desk');
    const none = planBindings(request(['Contact: <sip:a@10.0.0.2>']), ctx);
    expect(none.kind === 'update' && none.changes[0]?.binding).not.toHaveProperty('displayName');
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
      outbound: false,
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
