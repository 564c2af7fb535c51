import { describe, expect, it } from 'vitest';
import { FakeClock, type SipMessage, SwitchboardSipCodec, TransactionLayer } from '../../src/index.js';
import { FakeTransport, invite } from './fake-transport.js';

const SRC = { host: '10.0.0.9', port: 40001 };

/** RFC 3261 §21.5.14: a message over `maxMessageBytes` is answered 513 and never reaches the TU. */
describe('TransactionLayer, message size limit', () => {
  function setup(maxMessageBytes: number) {
    const udp = new FakeTransport();
    const layer = new TransactionLayer<SipMessage>({
      codec: new SwitchboardSipCodec(),
      clock: new FakeClock(),
      transports: [udp],
      maxMessageBytes,
    });
    const requests: SipMessage[] = [];
    const bad: unknown[] = [];
    layer.setUser({
      onRequest: (req) => requests.push(req),
      onServerError: () => undefined,
      onBadMessage: (err) => bad.push(err),
    });
    return { udp, requests, bad };
  }

  it('a request over the limit gets 513 naming the sizes; the TU never sees it', () => {
    const { udp, requests, bad } = setup(4096);
    const big = invite().replace('Content-Length: 0', `X-Padding: ${'p'.repeat(5000)}\nContent-Length: 0`);
    udp.inject(big, SRC);
    const size = Buffer.byteLength(big.replace(/\n/g, '\r\n'));
    expect(udp.lines()).toEqual([`SIP/2.0 513 Message Too Large (${size} bytes, limit 4096)`]);
    expect(udp.sent[0]?.text).toContain('CSeq: 1 INVITE');
    expect(requests).toHaveLength(0);
    expect(bad).toHaveLength(1);
  });

  it('a request at the limit is handled as usual', () => {
    const msg = invite();
    const { udp, requests } = setup(Buffer.byteLength(msg.replace(/\n/g, '\r\n')));
    udp.inject(msg, SRC);
    expect(udp.lines()).toEqual(['SIP/2.0 100 Trying']);
    expect(requests).toHaveLength(1);
  });
});
