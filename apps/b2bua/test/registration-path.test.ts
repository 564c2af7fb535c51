import type { RegistrationBinding } from '@switchboard/live-state';
import { parseMessage, type SipRequest } from '@switchboard/sip';
import type { ResolvedTarget } from '@switchboard/transactions';
import { createLogger } from '@switchboard/config';
import { describe, expect, it } from 'vitest';
import type { CallSipPort } from '../src/calls/call-sip-port.js';
import { bindingDestination } from '../src/calls/legs/leg-destination.js';
import { RegisteredTargetExpander } from '../src/calls/legs/registered-target-expander.js';
import { buildUnsolicitedNotify } from '../src/mwi/unsolicited-notify.js';
import { type BindingContext, planBindings } from '../src/registrar/contact-bindings.js';
import { NatKeepAlive } from '../src/registrar/nat-keepalive.js';
import { pathOffersOutbound, pathToEcho, registrationPath } from '../src/registrar/registration-path.js';
import type { RegistrationRepository } from '../src/repositories/registration.repository.js';

/** A REGISTER relayed by one proxy (two Vias), with the given extra header lines. */
function register(headers: string[]): SipRequest {
  const text = [
    'REGISTER sip:pbx.test SIP/2.0',
    'Via: SIP/2.0/UDP 192.0.2.50:5060;branch=z9hG4bKproxy',
    'Via: SIP/2.0/UDP 198.51.100.7:40000;branch=z9hG4bKphone;received=198.51.100.7',
    'Max-Forwards: 69',
    'From: <sip:1001@pbx.test>;tag=1',
    'To: <sip:1001@pbx.test>',
    'Call-ID: path-1',
    'CSeq: 3 REGISTER',
    'Contact: <sip:1001@10.0.0.8:5062>',
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
  origin: { protocol: 'UDP', host: '192.0.2.50', port: 5060, flowId: undefined },
  node: 'node-a:1',
  minExpires: 60,
  maxExpires: 3600,
};

const edge = '<sip:192.0.2.50:5060;lr;received=sip:198.51.100.7:40000>';

describe('registrar: Path (RFC 3327 §5.3)', () => {
  it('stores every Path value in order, from several lines and comma lists, with each binding', () => {
    const plan = planBindings(
      register([`Path: ${edge}`, 'Path: <sip:core.example;lr>, <sip:[2001:db8::1]:5070;lr;transport=tcp>']),
      ctx,
    );
    const path = [edge, '<sip:core.example;lr>', '<sip:[2001:db8::1]:5070;lr;transport=tcp>'];
    expect(plan).toMatchObject({ kind: 'update', path });
    expect(plan.kind === 'update' && plan.changes[0]?.binding?.path).toEqual(path);
    // Without Path the binding has none (the REGISTER's source address is where requests go).
    const direct = planBindings(register([]), ctx);
    expect(direct.kind === 'update' && direct.changes[0]?.binding).not.toHaveProperty('path');
    expect(direct).not.toHaveProperty('path');
  });

  it('400 for a Path that is not a bracketed SIP URI of a loose router, or a chain too long', () => {
    for (const [value, reason] of [
      ['<sip:192.0.2.50>', 'Invalid Path header: URI without lr (loose routing)'],
      ['<tel:+15550100>', 'Invalid Path header: not a SIP URI'],
      ['sip:192.0.2.50;lr', undefined],
      [
        Array.from({ length: 9 }, (_, i) => `<sip:p${i}.example;lr>`).join(', '),
        'Too many Path values (at most 8)',
      ],
    ] as const) {
      const plan = planBindings(register([`Path: ${value}`]), ctx);
      expect(plan).toMatchObject({ kind: 'reject', status: 400 });
      if (reason) expect(plan).toMatchObject({ reason });
    }
  });

  it('echoes Path in the 200 only to a UA that said Supported: path', () => {
    expect(pathToEcho(register(['Supported: outbound, path']), [edge])).toEqual([edge]);
    expect(pathToEcho(register(['Supported: outbound']), [edge])).toBeUndefined();
    expect(pathToEcho(register(['Supported: path']), undefined)).toBeUndefined();
    expect(registrationPath(register([]))).toBeUndefined();
  });

  it('accepts RFC 5626 outbound behind an edge proxy whose Path has ob (§6), else 439', () => {
    const tcp: BindingContext = { ...ctx, origin: { ...ctx.origin, protocol: 'TCP', flowId: 'tcp-1' } };
    const outbound = [
      'Contact: <sip:1001@10.0.0.8;transport=tcp;ob>;+sip.instance="<urn:uuid:1>";reg-id=1',
      'Supported: outbound, path',
    ];
    const withOb = planBindings(register([...outbound, 'Path: <sip:192.0.2.50;lr;ob>']), tcp);
    expect(withOb).toMatchObject({ kind: 'update', outbound: true });
    const withoutOb = planBindings(register([...outbound, `Path: ${edge}`]), tcp);
    expect(withoutOb).toMatchObject({ kind: 'reject', status: 439 });
    expect(pathOffersOutbound(undefined)).toBe(false);
  });
});

describe('requests to a contact registered with Path go through it (RFC 3327 §5.3)', () => {
  const binding: RegistrationBinding = {
    aor: 'sip:1001@pbx.test',
    contact: 'sip:1001@10.0.0.8:5062',
    expiresAt: Date.now() + 60_000,
    sourceAddress: '192.0.2.50:5060',
    transport: 'UDP',
    node: 'node-a:1',
    path: [edge, '<sip:core.example;lr>'],
  };

  it('sends to the first Path hop, not to the source address or the Contact', () => {
    expect(bindingDestination(binding)).toMatchObject({ host: '192.0.2.50', port: 5060, protocol: 'UDP' });
    expect(bindingDestination({ ...binding, path: ['<sip:edge.example;lr>'] })).toBeUndefined();
  });

  it('a dial target expands to a branch with the Path as its preloaded Route set, resolving a named hop', async () => {
    const resolved: Array<{ host: string }> = [];
    const port = {
      resolve: (input: { host: string }): Promise<ResolvedTarget[]> => {
        resolved.push(input);
        return Promise.resolve([{ host: '192.0.2.60', port: 5060, protocol: 'UDP' }]);
      },
    } as unknown as CallSipPort;
    const registrations = {
      bindings: () =>
        Promise.resolve([
          binding,
          { ...binding, contact: 'sip:1001@10.0.0.9', path: ['<sip:edge.example;lr>'] },
        ]),
    } as unknown as RegistrationRepository;
    const specs = await new RegisteredTargetExpander(registrations, port).expand({
      kind: 'extension',
      extension: '1001',
    });
    expect(specs).toEqual([
      {
        targetKey: '1001',
        uri: 'sip:1001@10.0.0.8:5062',
        destination: { host: '192.0.2.50', port: 5060, protocol: 'UDP', tcpOnOversize: true },
        route: binding.path,
      },
      {
        targetKey: '1001',
        uri: 'sip:1001@10.0.0.9',
        destination: { host: '192.0.2.60', port: 5060, protocol: 'UDP' },
        route: ['<sip:edge.example;lr>'],
      },
    ]);
    expect(resolved).toMatchObject([{ host: 'edge.example' }]);
  });

  it('an unsolicited MWI NOTIFY carries the Path as Route headers', () => {
    const notify = buildUnsolicitedNotify({
      contact: binding.contact,
      account: binding.aor,
      localContact: 'sip:127.0.0.1:5060',
      expires: 60,
      body: 'Messages-Waiting: no\r\n',
      ...(binding.path ? { route: binding.path } : {}),
    });
    expect(notify.getHeaders('Route')).toEqual(binding.path);
  });

  it('is never kept alive as a NAT binding of ours (the proxy holds the NAT mapping)', () => {
    const keepAlive = new NatKeepAlive({
      kind: 'options',
      intervalMs: 1000,
      clock: { now: () => 0, schedule: () => ({ cancel: () => undefined }) },
      wallNow: () => Date.now(),
      logger: createLogger('test', { logLevel: 'silent', logFormat: 'json' }),
      ping: () => Promise.resolve('answered'),
    });
    // The source (the proxy) differs from the Contact: without Path this binding looks NATed.
    keepAlive.registered(binding.aor, [{ ...binding, path: undefined }], 'node-a:1');
    expect(keepAlive.size).toBe(1);
    keepAlive.registered(binding.aor, [binding], 'node-a:1');
    expect(keepAlive.size).toBe(0);
  });
});
