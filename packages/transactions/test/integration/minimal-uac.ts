import { type SipMessage, SipRequest, createRequest, generateTag } from '@switchboard/sip';
import {
  type ResolvedTarget,
  type TimerHandle,
  StreamTransport,
  SwitchboardSipCodec,
  SystemClock,
  TransactionLayer,
  UdpTransport,
  createSipFramer,
} from '../../src/index.js';

const SDP =
  'v=0\r\no=- 2 2 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\nm=audio 6002 RTP/AVP 0\r\n';

/**
 * The smallest UAC on the layer: INVITE, ACK every 2xx (also retransmitted ones, which the
 * RFC 6026 Accepted state passes up), then BYE. Resolves true when the BYE got its 200.
 */
export class MinimalUac {
  readonly udp = new UdpTransport({ host: '127.0.0.1', port: 0 });
  readonly tcp = new StreamTransport({ host: '127.0.0.1', port: 0, createFramer: createSipFramer });
  readonly layer = new TransactionLayer<SipMessage>({
    codec: new SwitchboardSipCodec(),
    clock: this.clockForLayer(),
    transports: [this.udp, this.tcp],
  });
  private seq = 0;
  private readonly clock = new SystemClock();

  /** `holdMs`: call duration before BYE, counted from the last 2xx received. */
  constructor(private readonly holdMs = 2000) {}

  private clockForLayer(): SystemClock {
    return new SystemClock();
  }

  async listen(): Promise<void> {
    await this.udp.listen();
    await this.tcp.listen();
    this.layer.setUser({ onRequest: (_req, tx) => tx.reply(501) });
  }

  close(): Promise<void> {
    return this.layer.close();
  }

  call(target: ResolvedTarget): Promise<boolean> {
    const n = ++this.seq;
    const callId = `uac-${n}-${generateTag()}@127.0.0.1`;
    const fromTag = generateTag();
    const uri = `sip:service@${target.host}:${target.port}`;
    const local = target.protocol === 'UDP' ? this.udp.address() : this.tcp.address();
    const common = {
      'Max-Forwards': 70,
      From: `<sip:uac@127.0.0.1>;tag=${fromTag}`,
      'Call-ID': callId,
    };
    const invite = createRequest({
      method: 'INVITE',
      uri,
      headers: {
        ...common,
        To: `<${uri}>`,
        CSeq: '1 INVITE',
        Contact: `<sip:uac@127.0.0.1:${local.port};transport=${target.protocol.toLowerCase()}>`,
        'Content-Type': 'application/sdp',
      },
      body: SDP,
    });
    return new Promise((resolve) => {
      let byeTimer: TimerHandle | undefined;
      let byeSent = false;
      const sendBye = (to: string): void => {
        byeSent = true;
        const bye = createRequest({ method: 'BYE', uri, headers: { ...common, To: to, CSeq: '2 BYE' } });
        this.layer.sendRequest(bye, target, {
          onResponse: (_r, s) => s >= 200 && resolve(s < 300),
          onTimeout: () => resolve(false),
          onTransportError: () => resolve(false),
        });
      };
      this.layer.sendRequest(invite, target, {
        onResponse: (res, status) => {
          if (status < 200) return;
          if (status >= 300) return resolve(false);
          const to = res.getHeader('To') ?? '';
          const ack = new SipRequest('ACK', uri);
          for (const [k, v] of Object.entries({ ...common, To: to, CSeq: '1 ACK', 'Content-Length': 0 })) {
            ack.addHeader(k, v);
          }
          // Every 2xx (also a retransmission: our ACK was lost) gets an ACK (§13.2.2.4).
          this.layer.sendAck(ack, target).catch(() => undefined);
          // Hang up once the 2xx has stopped coming, i.e. the peer has seen our ACK.
          if (byeSent) return;
          byeTimer?.cancel();
          byeTimer = this.clock.schedule(this.holdMs, () => sendBye(to));
        },
        onTimeout: () => resolve(false),
        onTransportError: () => resolve(false),
      });
    });
  }
}
