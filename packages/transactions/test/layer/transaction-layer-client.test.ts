import { createRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { FakeClock, type SipMessage, SwitchboardSipCodec, TransactionLayer } from '../../src/index.js';
import { FakeTransport } from './fake-transport.js';

const PEER = { protocol: 'UDP' as const, host: '10.0.0.2', port: 5080 };

function request(method: string, body = ''): SipMessage {
  return createRequest({
    method,
    uri: 'sip:bob@10.0.0.2:5080',
    headers: {
      'Max-Forwards': 70,
      From: '<sip:alice@127.0.0.1>;tag=f1',
      To: '<sip:bob@10.0.0.2>',
      'Call-ID': 'c1@127.0.0.1',
      CSeq: `1 ${method}`,
      Contact: '<sip:alice@127.0.0.1:5060>',
    },
    body,
  });
}

function response(sent: string, status: number, reason: string, toTag = 'b1'): string {
  const via = /Via: (.*)\r\n/.exec(sent)?.[1] ?? '';
  const cseq = /CSeq: (.*)\r\n/.exec(sent)?.[1] ?? '';
  return [
    `SIP/2.0 ${status} ${reason}`,
    `Via: ${via}`,
    'From: <sip:alice@127.0.0.1>;tag=f1',
    `To: <sip:bob@10.0.0.2>;tag=${toTag}`,
    'Call-ID: c1@127.0.0.1',
    `CSeq: ${cseq}`,
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}

function setup(transports = [new FakeTransport()], options: { udpMaxBytes?: number } = {}) {
  const clock = new FakeClock();
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock,
    transports,
    ...options,
  });
  const stray: SipMessage[] = [];
  layer.setUser({ onRequest: () => undefined, onStrayResponse: (r) => stray.push(r) });
  return { clock, layer, udp: transports[0]!, stray };
}

describe('TransactionLayer, client side', () => {
  it('adds a Via with a magic-cookie branch and rport, retransmits, and routes the response', () => {
    const { clock, layer, udp } = setup();
    const got: number[] = [];
    const tx = layer.sendRequest(request('OPTIONS'), PEER, { onResponse: (_r, s) => got.push(s) });
    expect(tx.branch).toMatch(/^z9hG4bK[0-9a-f]{16}$/);
    expect(udp.sent[0]?.text).toContain(`Via: SIP/2.0/UDP 127.0.0.1:5060;branch=${tx.branch};rport\r\n`);
    expect(udp.sent[0]?.target).toMatchObject({ host: '10.0.0.2', port: 5080 });
    clock.advance(1500);
    expect(udp.sent).toHaveLength(3);
    udp.inject(response(udp.sent[0]!.text, 200, 'OK'), PEER);
    clock.advance(10_000);
    expect(got).toEqual([200]);
    expect(udp.sent).toHaveLength(3);
    expect(layer.size.clients).toBe(0);
  });

  it('ACKs a non-2xx INVITE response itself with the INVITE branch (§17.1.1.3)', () => {
    const { layer, udp } = setup();
    const got: number[] = [];
    const tx = layer.sendRequest(request('INVITE'), PEER, { onResponse: (_r, s) => got.push(s) });
    udp.inject(response(udp.sent[0]!.text, 486, 'Busy Here'), PEER);
    udp.inject(response(udp.sent[0]!.text, 486, 'Busy Here'), PEER);
    expect(got).toEqual([486]);
    expect(udp.lines()).toEqual([
      'INVITE sip:bob@10.0.0.2:5080 SIP/2.0',
      ...Array<string>(2).fill('ACK sip:bob@10.0.0.2:5080 SIP/2.0'),
    ]);
    const ack = udp.sent[1]!.text;
    expect(ack).toContain(`branch=${tx.branch}`);
    expect(ack).toContain('CSeq: 1 ACK');
    expect(ack).toContain('To: <sip:bob@10.0.0.2>;tag=b1');
  });

  it('passes 2xx retransmissions to the TU while Accepted, and later ones as stray', () => {
    const { layer, udp, clock, stray } = setup();
    const got: number[] = [];
    layer.sendRequest(request('INVITE'), PEER, { onResponse: (_r, s) => got.push(s) });
    const ok = response(udp.sent[0]!.text, 200, 'OK');
    udp.inject(ok, PEER);
    udp.inject(ok, PEER);
    clock.advance(32_000);
    udp.inject(ok, PEER);
    expect(got).toEqual([200, 200]);
    expect(stray).toHaveLength(1);
    expect(udp.lines()).toEqual(['INVITE sip:bob@10.0.0.2:5080 SIP/2.0']);
  });

  it('times out with Timer B and tells the TU', () => {
    const { layer, clock } = setup();
    let timedOut = false;
    layer.sendRequest(request('INVITE'), PEER, { onTimeout: () => (timedOut = true) });
    clock.advance(32_000);
    expect(timedOut).toBe(true);
    expect(layer.size.clients).toBe(0);
  });

  it('tells the TU about a transport error', async () => {
    const { layer, udp } = setup();
    udp.failSends = true;
    const errors: string[] = [];
    layer.sendRequest(request('OPTIONS'), PEER, { onTransportError: (e) => errors.push(e.message) });
    await new Promise((r) => setImmediate(r));
    expect(errors).toEqual(['unreachable']);
    expect(layer.size.clients).toBe(0);
  });

  it('switches a request above 1300 bytes from default UDP to TCP and says so in the Via (§18.1.1)', () => {
    const udp = new FakeTransport('UDP');
    const tcp = new FakeTransport('TCP', { host: '127.0.0.1', port: 5060 });
    const { layer } = setup([udp, tcp]);
    const resolved = { ...PEER, tcpOnOversize: true };
    layer.sendRequest(request('MESSAGE', 'x'.repeat(1400)), resolved);
    layer.sendRequest(request('MESSAGE', 'small'), resolved);
    expect(tcp.sent).toHaveLength(1);
    expect(tcp.sent[0]?.text).toContain('Via: SIP/2.0/TCP 127.0.0.1:5060;branch=');
    expect(udp.sent).toHaveLength(1);
  });

  it('keeps a large request on UDP to a target that is UDP by registration or dialog (§18.1.1, NAT)', () => {
    const udp = new FakeTransport('UDP');
    const tcp = new FakeTransport('TCP', { host: '127.0.0.1', port: 5060 });
    const { layer } = setup([udp, tcp]);
    layer.sendRequest(request('INVITE', 'v'.repeat(4000)), PEER);
    expect(tcp.sent).toHaveLength(0);
    expect(udp.sent).toHaveLength(1);
    expect(udp.sent[0]?.text).toContain('Via: SIP/2.0/UDP');
  });

  it('uses the configured size threshold', () => {
    const udp = new FakeTransport('UDP');
    const tcp = new FakeTransport('TCP', { host: '127.0.0.1', port: 5060 });
    const { layer } = setup([udp, tcp], { udpMaxBytes: 3000 });
    const resolved = { ...PEER, tcpOnOversize: true };
    layer.sendRequest(request('MESSAGE', 'x'.repeat(2000)), resolved);
    layer.sendRequest(request('MESSAGE', 'x'.repeat(3200)), resolved);
    expect(udp.sent).toHaveLength(1);
    expect(tcp.sent).toHaveLength(1);
  });

  it('sends a CANCEL with the INVITE branch in its own transaction', () => {
    const { layer, udp } = setup();
    const inv = layer.sendRequest(request('INVITE'), PEER);
    const cancel = layer.sendRequest(request('CANCEL'), PEER, {}, { branch: inv.branch });
    expect(cancel.key).not.toBe(inv.key);
    expect(udp.sent[1]?.text).toContain(`branch=${inv.branch}`);
    expect(layer.size.clients).toBe(2);
  });

  it('destroys a ringing INVITE transaction 64*T1 after its CANCEL when no final response comes (§9.1)', () => {
    const { clock, layer, udp } = setup();
    const events: string[] = [];
    const inv = layer.sendRequest(request('INVITE'), PEER, {
      onResponse: (_r, s) => events.push(`response:${s}`),
      onTimeout: () => events.push('timeout'),
      onTerminated: () => events.push('terminated'),
    });
    udp.inject(response(udp.sent[0]!.text, 180, 'Ringing'), PEER);
    clock.advance(10_000);
    layer.sendRequest(request('CANCEL'), PEER, {}, { branch: inv.branch });
    udp.inject(response(udp.sent[1]!.text, 200, 'OK'), PEER);
    // The callee died: no 487 ever comes. Just before 64*T1 the transaction still waits...
    clock.advance(64 * 500 - 1);
    expect(inv.state).toBe('proceeding');
    clock.advance(1);
    // ...then the TU hears a timeout and the transaction is gone (the CANCEL's ended by Timer K).
    expect(events).toEqual(['response:180', 'timeout', 'terminated']);
    clock.advance(5000);
    expect(layer.size.clients).toBe(0);
  });

  it('a final response after the CANCEL ends the INVITE as usual, no later timeout', () => {
    const { clock, layer, udp } = setup();
    const events: string[] = [];
    const inv = layer.sendRequest(request('INVITE'), PEER, {
      onResponse: (_r, s) => events.push(`response:${s}`),
      onTimeout: () => events.push('timeout'),
    });
    udp.inject(response(udp.sent[0]!.text, 180, 'Ringing'), PEER);
    layer.sendRequest(request('CANCEL'), PEER, {}, { branch: inv.branch });
    udp.inject(response(udp.sent[0]!.text, 487, 'Request Terminated'), PEER);
    clock.advance(64 * 500 * 2);
    expect(events).toEqual(['response:180', 'response:487']);
    expect(layer.size.clients).toBe(0);
  });

  it('refuses to run ACK in a client transaction', () => {
    const { layer } = setup();
    expect(() => layer.sendRequest(request('ACK'), PEER)).toThrow(/sendAck/);
  });

  it('drops a response whose top Via sent-by is not ours (§18.1.2)', () => {
    const { layer, udp, stray } = setup();
    const got: number[] = [];
    layer.sendRequest(request('OPTIONS'), PEER, { onResponse: (_r, s) => got.push(s) });
    const foreign = response(udp.sent[0]!.text, 200, 'OK').replace(
      '127.0.0.1:5060;branch',
      '10.9.9.9:5060;branch',
    );
    udp.inject(foreign, PEER);
    expect(got).toEqual([]);
    expect(stray).toEqual([]);
    udp.inject(response(udp.sent[0]!.text, 200, 'OK'), PEER);
    expect(got).toEqual([200]);
  });
});
