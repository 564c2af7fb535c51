import { type SipMessage, SipRequest, createRequest, generateTag } from '@switchboard/sip';
import {
  DEFAULT_TIMERS,
  type ResolvedTarget,
  type TimerConfig,
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
 * RFC 6026 Accepted state passes up), then BYE. Resolves 'ok' when the BYE got its 200,
 * else with what went wrong.
 */
export class MinimalUac {
  readonly udp: UdpTransport;
  readonly tcp = new StreamTransport({ host: '127.0.0.1', port: 0, createFramer: createSipFramer });
  readonly layer: TransactionLayer<SipMessage>;
  private seq = 0;
  private readonly clock = new SystemClock();

  /** `holdMs`: call duration before BYE, counted from the last 2xx received. */
  constructor(
    private readonly holdMs = 2000,
    udpTimers: TimerConfig = DEFAULT_TIMERS,
  ) {
    this.udp = new UdpTransport({ host: '127.0.0.1', port: 0, timers: udpTimers });
    this.layer = new TransactionLayer<SipMessage>({
      codec: new SwitchboardSipCodec(),
      clock: this.clock,
      transports: [this.udp, this.tcp],
    });
  }

  async listen(): Promise<void> {
    await this.udp.listen();
    await this.tcp.listen();
    this.layer.setUser({ onRequest: (_req, tx) => tx.reply(501) });
  }

  close(): Promise<void> {
    return this.layer.close();
  }

  call(target: ResolvedTarget): Promise<string> {
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
          onResponse: (_r, s) => s >= 200 && resolve(s < 300 ? 'ok' : `BYE got ${s}`),
          onTimeout: () => resolve('BYE timed out'),
          onTransportError: (e) => resolve(`BYE transport error ${e.message}`),
        });
      };
      this.layer.sendRequest(invite, target, {
        onResponse: (res, status) => {
          if (status < 200) return;
          if (status >= 300) return resolve(`INVITE got ${status}`);
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
        onTimeout: () => resolve('INVITE timed out'),
        onTransportError: (e) => resolve(`INVITE transport error ${e.message}`),
      });
    });
  }
}
