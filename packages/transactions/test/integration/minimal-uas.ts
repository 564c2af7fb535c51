import { type SipMessage, createResponse, generateTag } from '@switchboard/sip';
import {
  type Clock,
  StreamTransport,
  SwitchboardSipCodec,
  SystemClock,
  TransactionLayer,
  type Transport,
  Uas2xxRetransmitter,
  UdpTransport,
  createSipFramer,
} from '../../src/index.js';

const SDP =
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6000 RTP/AVP 0\r\n';

/**
 * The smallest UAS a TU can write on the layer: 180 + 200 to INVITE (the 2xx retransmitted
 * per §13.3.1.4 until the ACK), 200 to BYE and OPTIONS.
 */
export class MinimalUas {
  readonly udp: UdpTransport;
  readonly tcp: StreamTransport;
  readonly layer: TransactionLayer<SipMessage>;
  private readonly pending2xx = new Map<string, Uas2xxRetransmitter<SipMessage>>();
  calls = 0;
  byes = 0;

  constructor(clock: Clock = new SystemClock()) {
    this.udp = new UdpTransport({ host: '127.0.0.1', port: 0 });
    this.tcp = new StreamTransport({ host: '127.0.0.1', port: 0, createFramer: createSipFramer });
    const transports: Transport[] = [this.udp, this.tcp];
    this.layer = new TransactionLayer<SipMessage>({ codec: new SwitchboardSipCodec(), clock, transports });
    this.layer.setUser({
      onRequest: (req, tx) => {
        if (req.kind !== 'request') return;
        if (req.method === 'INVITE') {
          this.calls++;
          const toTag = generateTag();
          tx.respond(createResponse(req, 180, { toTag }));
          const ok = createResponse(req, 200, {
            toTag,
            headers: {
              Contact: `<sip:uas@127.0.0.1:${tx.origin.transport.address().port}>`,
              'Content-Type': 'application/sdp',
            },
            body: SDP,
          });
          const r = new Uas2xxRetransmitter<SipMessage>(tx, ok, clock, () =>
            this.pending2xx.delete(req.callId),
          );
          this.pending2xx.set(req.callId, r);
          r.start();
        } else {
          if (req.method === 'BYE') this.byes++;
          tx.reply(200);
        }
      },
      onAck: (ack) => {
        this.pending2xx.get(ack.callId)?.ack();
        this.pending2xx.delete(ack.callId);
      },
    });
  }

  async listen(): Promise<void> {
    await this.udp.listen();
    await this.tcp.listen();
  }

  close(): Promise<void> {
    return this.layer.close();
  }
}
