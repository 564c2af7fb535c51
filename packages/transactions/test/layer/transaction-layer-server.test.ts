import { describe, expect, it } from 'vitest';
import {
  FakeClock,
  type ServerTransaction,
  type SipMessage,
  SwitchboardSipCodec,
  TransactionLayer,
  type TransactionUser,
  type TryingPolicy,
} from '../../src/index.js';
import { FakeTransport, invite } from './fake-transport.js';

const SRC = { host: '10.0.0.9', port: 40001 };

function setup(trying: TryingPolicy = 'deferred') {
  const clock = new FakeClock();
  const udp = new FakeTransport();
  const layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock,
    transports: [udp],
    trying,
  });
  const seen = {
    requests: [] as {
      req: SipMessage;
      tx: ServerTransaction<SipMessage>;
      cancelTarget?: ServerTransaction<SipMessage>;
    }[],
    acks: [] as SipMessage[],
    errors: [] as (Error | 'timeout')[],
    screened: [] as SipMessage[],
  };
  const codec = new SwitchboardSipCodec();
  const tu: TransactionUser<SipMessage> = {
    onRequest: (req, tx, extra) => seen.requests.push({ req, tx, cancelTarget: extra.cancelTarget }),
    onAck: (ack) => seen.acks.push(ack),
    onServerError: (_tx, e) => seen.errors.push(e),
    // Stateless answers (§8.2.7) to REGISTER only, as a registrar's challenge would be.
    screen: (req, _origin, send) => {
      if (codec.info(req).method !== 'REGISTER') return false;
      seen.screened.push(req);
      void send(codec.createResponse(req, 401, undefined, 'stateless-tag'));
      return true;
    },
  };
  layer.setUser(tu);
  return { clock, udp, layer, seen };
}

describe('TransactionLayer, server side', () => {
  it("trying: 'immediate' answers an INVITE with 100 Trying at once, stamped received/rport, to the source port", () => {
    const { udp, seen } = setup('immediate');
    udp.inject(invite(), SRC);
    expect(udp.lines()).toEqual(['SIP/2.0 100 Trying']);
    expect(udp.sent[0]?.target).toEqual(SRC);
    expect(udp.sent[0]?.text).toContain(
      'Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport=40001;received=10.0.0.9',
    );
    expect(seen.requests).toHaveLength(1);
    expect(seen.requests[0]?.tx.method).toBe('INVITE');
  });

  // §17.2.1: the 100 is owed only when the TU has said nothing 200 ms after the INVITE arrived.
  describe("deferred 100 Trying (trying: 'deferred')", () => {
    it('sends no 100 when the TU answers within 200 ms', () => {
      const { udp, seen, clock } = setup();
      udp.inject(invite(), SRC);
      expect(udp.lines()).toEqual([]);
      clock.advance(199);
      seen.requests[0]!.tx.reply(180);
      clock.advance(1000);
      expect(udp.lines()).toEqual(['SIP/2.0 180 Ringing']);
    });

    it('sends the 100 at 200 ms to a silent TU, stamped received/rport, sent to the source port', () => {
      const { udp, seen, clock } = setup();
      udp.inject(invite(), SRC);
      clock.advance(199);
      expect(udp.lines()).toEqual([]);
      clock.advance(1);
      expect(udp.lines()).toEqual(['SIP/2.0 100 Trying']);
      expect(udp.sent[0]?.target).toEqual(SRC);
      expect(udp.sent[0]?.text).toContain(
        'Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport=40001;received=10.0.0.9',
      );
      seen.requests[0]!.tx.reply(180);
      clock.advance(1000);
      expect(udp.lines()).toEqual(['SIP/2.0 100 Trying', 'SIP/2.0 180 Ringing']);
    });

    it('answers a retransmitted INVITE with the 100 at once when nothing was sent yet, once', () => {
      const { udp, seen, clock } = setup();
      udp.inject(invite(), SRC);
      clock.advance(100);
      udp.inject(invite(), SRC);
      expect(udp.lines()).toEqual(['SIP/2.0 100 Trying']);
      clock.advance(1000);
      expect(udp.lines()).toEqual(['SIP/2.0 100 Trying']);
      expect(seen.requests).toHaveLength(1);
    });

    it('sends no 100 after a final response, and leaves no timer once the transaction ends', () => {
      const { udp, seen, clock, layer } = setup();
      udp.inject(invite(), SRC);
      seen.requests[0]!.tx.reply(486);
      udp.inject(invite({ method: 'ACK', cseq: '1 ACK', toTag: seen.requests[0]!.tx.toTag }), SRC);
      clock.advance(5000); // Timer I
      expect(udp.lines()).toEqual(['SIP/2.0 486 Busy Here']);
      expect(layer.size.servers).toBe(0);
      expect(clock.pending()).toBe(0);
    });
  });

  it('absorbs INVITE retransmissions after a 2xx, hands the 2xx ACK to the TU, ends after Timer L', () => {
    const { udp, seen, layer, clock } = setup();
    udp.inject(invite(), SRC);
    const tx = seen.requests[0]!.tx;
    tx.reply(180);
    tx.reply(200);
    udp.inject(invite(), SRC);
    expect(udp.lines()).toEqual(['SIP/2.0 180 Ringing', 'SIP/2.0 200 OK']);
    const toTag = /To: .*;tag=(\w+)/.exec(udp.sent[1]?.text ?? '')?.[1];
    expect(toTag).toBeDefined();
    expect(udp.sent[0]?.text).toContain(`tag=${toTag}`);
    udp.inject(invite({ method: 'ACK', branch: 'z9hG4bK-ack', cseq: '1 ACK', toTag }), SRC);
    expect(seen.acks).toHaveLength(1);
    expect(layer.size.servers).toBe(1);
    clock.advance(32_000);
    expect(layer.size.servers).toBe(0);
    expect(seen.requests).toHaveLength(1);
  });

  it('retransmits a non-2xx final on Timer G until the ACK, which it absorbs', () => {
    const { udp, seen, layer, clock } = setup();
    udp.inject(invite(), SRC);
    seen.requests[0]!.tx.reply(486);
    clock.advance(1500);
    udp.inject(invite({ method: 'ACK', cseq: '1 ACK', toTag: 'x' }), SRC);
    clock.advance(10_000);
    expect(udp.lines()).toEqual(Array<string>(3).fill('SIP/2.0 486 Busy Here'));
    expect(seen.acks).toHaveLength(0);
    expect(layer.size.servers).toBe(0);
  });

  it('reports Timer H to the TU when no ACK comes', () => {
    const { udp, seen, clock } = setup();
    udp.inject(invite(), SRC);
    seen.requests[0]!.tx.reply(404);
    clock.advance(32_000);
    expect(seen.errors).toEqual(['timeout']);
  });

  it('answers a screened request statelessly (§8.2.7): no transaction, each retransmission answered again', () => {
    const { udp, seen, layer, clock } = setup();
    udp.inject(invite({ method: 'REGISTER', cseq: '1 REGISTER' }), SRC);
    udp.inject(invite({ method: 'REGISTER', cseq: '1 REGISTER' }), SRC);
    expect(udp.lines()).toEqual(['SIP/2.0 401 Unauthorized', 'SIP/2.0 401 Unauthorized']);
    // Stamped like a stateful answer and sent to the rport target (§18.2.2, RFC 3581 §4).
    expect(udp.sent[0]?.target).toEqual(SRC);
    expect(udp.sent[0]?.text).toContain('rport=40001;received=10.0.0.9');
    expect(layer.size.servers).toBe(0);
    expect(seen.screened).toHaveLength(2);
    expect(seen.requests).toHaveLength(0);
    clock.advance(64_000);
    expect(udp.sent).toHaveLength(2); // nothing retransmitted: no timer was started
  });

  it('repeats the final response to a non-INVITE retransmission, and only once to the TU', () => {
    const { udp, seen } = setup();
    udp.inject(invite({ method: 'OPTIONS' }), SRC);
    seen.requests[0]!.tx.reply(200);
    udp.inject(invite({ method: 'OPTIONS' }), SRC);
    expect(udp.lines()).toEqual(['SIP/2.0 200 OK', 'SIP/2.0 200 OK']);
    expect(seen.requests).toHaveLength(1);
  });

  it('matches a CANCEL to its INVITE (§9.2) and answers an unmatched CANCEL with 481', () => {
    const { udp, seen } = setup();
    udp.inject(invite(), SRC);
    udp.inject(invite({ method: 'CANCEL' }), SRC);
    expect(seen.requests[1]?.cancelTarget).toBe(seen.requests[0]?.tx);
    udp.inject(invite({ method: 'CANCEL', branch: 'z9hG4bK-nope' }), SRC);
    expect(udp.lines().at(-1)).toBe('SIP/2.0 481 Call/Transaction Does Not Exist');
    expect(seen.requests).toHaveLength(2);
  });

  it('answers a merged request with 482 (§8.2.2.2)', () => {
    const { udp, seen } = setup();
    udp.inject(invite(), SRC);
    udp.inject(invite({ branch: 'z9hG4bK-other-path' }), SRC);
    expect(udp.lines()).toEqual(['SIP/2.0 482 Loop Detected']);
    expect(seen.requests).toHaveLength(1);
  });

  it('matches RFC 2543 requests without a magic cookie', () => {
    const { udp, seen } = setup();
    const old = invite({ via: 'SIP/2.0/UDP 10.0.0.1:5062;branch=old1' });
    udp.inject(old, SRC);
    udp.inject(old, SRC); // matched as a retransmission: the deferred 100 goes out at once
    expect(udp.lines()).toEqual(['SIP/2.0 100 Trying']);
    expect(seen.requests).toHaveLength(1);
  });

  it('answers an unparseable request with 400 and the reason, without bothering the TU', () => {
    const { udp, seen } = setup();
    udp.inject(invite({ cseq: 'abc INVITE' }), SRC);
    expect(udp.lines()[0]).toMatch(/^SIP\/2.0 400 /);
    expect(seen.requests).toHaveLength(0);
  });

  it('reports a transport error while responding', async () => {
    const { udp, seen } = setup();
    udp.inject(invite({ method: 'OPTIONS' }), SRC);
    udp.failSends = true;
    seen.requests[0]!.tx.reply(200);
    await new Promise((r) => setImmediate(r));
    expect(seen.errors).toHaveLength(1);
    expect((seen.errors[0] as Error).message).toBe('unreachable');
  });

  it('answers on the flow a TCP request arrived on', () => {
    const clock = new FakeClock();
    const tcp = new FakeTransport('TCP');
    const layer = new TransactionLayer<SipMessage>({
      codec: new SwitchboardSipCodec(),
      clock,
      transports: [tcp],
    });
    layer.setUser({ onRequest: (_r, tx) => tx.reply(200) });
    tcp.inject(
      invite({ method: 'OPTIONS', via: 'SIP/2.0/TCP 10.0.0.1:5062;branch=z9hG4bK-t' }),
      SRC,
      'tcp-7',
    );
    expect(tcp.sent[0]?.flowId).toBe('tcp-7');
    expect(layer.size.servers).toBe(0);
  });

  it('contains a TU that throws: the error is reported, the socket handler survives', () => {
    const clock = new FakeClock();
    const udp = new FakeTransport();
    const layer = new TransactionLayer<SipMessage>({
      codec: new SwitchboardSipCodec(),
      clock,
      transports: [udp],
    });
    const reported: unknown[] = [];
    layer.setUser({
      onRequest: () => {
        throw new Error('TU bug');
      },
      onBadMessage: (e) => reported.push(e),
    });
    expect(() => udp.inject(invite({ method: 'OPTIONS' }), SRC)).not.toThrow();
    expect((reported[0] as Error).message).toBe('TU bug');
  });
});
