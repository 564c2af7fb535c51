import { createResponse } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import {
  FakeClock,
  type ServerTransaction,
  type SipMessage,
  SwitchboardSipCodec,
  TransactionLayer,
  Uas2xxRetransmitter,
} from '../../src/index.js';
import { FakeTransport, invite } from './fake-transport.js';

function setup(protocol: 'UDP' | 'TCP') {
  const clock = new FakeClock();
  const transport = new FakeTransport(protocol);
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock,
    transports: [transport],
  });
  const txs: ServerTransaction<SipMessage>[] = [];
  layer.setUser({ onRequest: (_r, tx) => txs.push(tx) });
  const via = `SIP/2.0/${protocol} 10.0.0.1:5062;branch=z9hG4bK-r`;
  transport.inject(
    invite({ via }),
    { host: '10.0.0.1', port: 5062 },
    protocol === 'TCP' ? 'tcp-1' : undefined,
  );
  const tx = txs[0]!;
  const ok = createResponse(tx.request as Parameters<typeof createResponse>[0], 200, { toTag: 't' });
  return { clock, transport, tx, ok };
}

describe('§13.3.1.4 2xx retransmission by the UAS core', () => {
  it('retransmits at T1, 2T1, 4T1 capped at T2 until the ACK', () => {
    const { clock, transport, tx, ok } = setup('UDP');
    const r = new Uas2xxRetransmitter<SipMessage>(tx, ok, clock);
    r.start();
    clock.advance(7_499);
    const at = (): number => transport.sent.filter((s) => s.text.startsWith('SIP/2.0 200')).length;
    expect(at()).toBe(4); // 0, 500, 1500, 3500
    clock.advance(1);
    expect(at()).toBe(5); // 7500
    r.ack();
    clock.advance(20_000);
    expect(at()).toBe(5);
    expect(r.stopped).toBe(true);
  });

  it('gives up after 64*T1 without an ACK', () => {
    const { clock, tx, ok } = setup('UDP');
    let gaveUp = false;
    new Uas2xxRetransmitter<SipMessage>(tx, ok, clock, () => (gaveUp = true)).start();
    clock.advance(31_999);
    expect(gaveUp).toBe(false);
    clock.advance(1);
    expect(gaveUp).toBe(true);
  });

  it('sends the 2xx once on a reliable transport', () => {
    const { clock, transport, tx, ok } = setup('TCP');
    new Uas2xxRetransmitter<SipMessage>(tx, ok, clock).start();
    clock.advance(30_000);
    expect(transport.sent.filter((s) => s.text.startsWith('SIP/2.0 200'))).toHaveLength(1);
  });
});
