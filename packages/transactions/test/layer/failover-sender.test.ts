import { createRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import {
  type DnsResolver,
  FakeClock,
  type SipMessage,
  SwitchboardSipCodec,
  TargetResolver,
  TransactionLayer,
  sendWithFailover,
} from '../../src/index.js';
import { FakeTransport } from './fake-transport.js';

const dns: DnsResolver = {
  resolveNaptr: () => Promise.reject(new Error('ENOTFOUND')),
  resolveSrv: (name) =>
    name === '_sip._udp.example.com'
      ? Promise.resolve([
          { name: 'a.example.com', port: 5060, priority: 10, weight: 0 },
          { name: 'b.example.com', port: 5070, priority: 20, weight: 0 },
        ])
      : Promise.reject(new Error('ENOTFOUND')),
  resolve4: (name) => Promise.resolve(name === 'a.example.com' ? ['192.0.2.1'] : ['192.0.2.2']),
  resolve6: () => Promise.reject(new Error('ENODATA')),
};

const request = (): SipMessage =>
  createRequest({
    method: 'OPTIONS',
    uri: 'sip:example.com',
    headers: {
      From: '<sip:a@127.0.0.1>;tag=1',
      To: '<sip:example.com>',
      'Call-ID': 'f1',
      CSeq: '1 OPTIONS',
      'Max-Forwards': 70,
    },
  });

function setup() {
  const clock = new FakeClock();
  const udp = new FakeTransport();
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock,
    transports: [udp],
  });
  return { clock, udp, layer, resolver: new TargetResolver(dns, { random: () => 0 }) };
}

describe('RFC 3263 §4.3 failover', () => {
  it('moves to the next SRV target on timeout with a new branch', async () => {
    const { clock, udp, layer, resolver } = setup();
    let timedOut = false;
    const tried = await sendWithFailover(
      layer,
      resolver,
      request(),
      { host: 'example.com' },
      {
        onTimeout: () => (timedOut = true),
      },
    );
    clock.advance(32_000);
    expect(udp.sent.at(-1)?.target).toMatchObject({ host: '192.0.2.2', port: 5070 });
    clock.advance(32_000);
    expect(tried.map((t) => `${t.host}:${t.port}`)).toEqual(['192.0.2.1:5060', '192.0.2.2:5070']);
    expect(timedOut).toBe(true);
    const branches = new Set(udp.sent.map((s) => /branch=([^;\r]+)/.exec(s.text)?.[1]));
    expect(branches.size).toBe(2);
  });

  it('moves on after a transport error and reports the last one', async () => {
    const { udp, layer, resolver } = setup();
    udp.failSends = true;
    const errors: string[] = [];
    const tried = await sendWithFailover(
      layer,
      resolver,
      request(),
      { host: 'example.com' },
      {
        onTransportError: (e) => errors.push(e.message),
      },
    );
    await new Promise((r) => setImmediate(r));
    expect(tried).toHaveLength(2);
    expect(errors).toEqual(['unreachable']);
  });

  it('reports a transport error when nothing resolves', async () => {
    const { layer } = setup();
    const errors: string[] = [];
    const empty = new TargetResolver({
      ...dns,
      resolve4: () => Promise.reject(new Error('x')),
      resolveSrv: () => Promise.reject(new Error('x')),
    });
    await sendWithFailover(
      layer,
      empty,
      request(),
      { host: 'nowhere.example' },
      { onTransportError: (e) => errors.push(e.message) },
    );
    expect(errors).toEqual(['no usable target for nowhere.example']);
  });
});
