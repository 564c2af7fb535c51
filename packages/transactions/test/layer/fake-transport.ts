import {
  DEFAULT_TIMERS,
  type Endpoint,
  type PacketHandler,
  type TimerConfig,
  type Transport,
  type TransportProtocol,
  TransportError,
} from '../../src/index.js';

export interface SentPacket {
  target: Endpoint;
  text: string;
  flowId: string | undefined;
}

/** An in-memory transport: records what is sent, injects what is received. */
export class FakeTransport implements Transport {
  readonly sent: SentPacket[] = [];
  readonly reliable: boolean;
  readonly timers: TimerConfig = DEFAULT_TIMERS;
  failSends = false;
  private readonly handlers: PacketHandler[] = [];

  constructor(
    readonly protocol: TransportProtocol = 'UDP',
    private readonly local: Endpoint = { host: '127.0.0.1', port: 5060 },
  ) {
    this.reliable = protocol !== 'UDP';
  }

  address(): Endpoint {
    return this.local;
  }

  listen(): Promise<void> {
    return Promise.resolve();
  }

  send(target: Endpoint, data: Buffer, flowId?: string): Promise<void> {
    if (this.failSends) return Promise.reject(new TransportError('unreachable', 'SEND_FAILED'));
    this.sent.push({ target, text: data.toString('latin1'), flowId });
    return Promise.resolve();
  }

  onPacket(handler: PacketHandler): void {
    this.handlers.push(handler);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  inject(text: string, source: Endpoint, flowId?: string): void {
    const packet = {
      data: Buffer.from(text.replace(/\n/g, '\r\n'), 'latin1'),
      source,
      flowId,
      transport: this,
    };
    for (const h of this.handlers) h(packet);
  }

  /** Start lines of everything sent so far. */
  lines(): string[] {
    return this.sent.map((s) => s.text.slice(0, s.text.indexOf('\r\n')));
  }
}

export function invite(
  over: { branch?: string; method?: string; cseq?: string; toTag?: string; via?: string } = {},
): string {
  const method = over.method ?? 'INVITE';
  const via = over.via ?? `SIP/2.0/UDP 10.0.0.1:5062;branch=${over.branch ?? 'z9hG4bK-1'};rport`;
  return [
    `${method} sip:bob@127.0.0.1 SIP/2.0`,
    `Via: ${via}`,
    'Max-Forwards: 70',
    'From: <sip:alice@10.0.0.1>;tag=a1',
    `To: <sip:bob@127.0.0.1>${over.toTag ? `;tag=${over.toTag}` : ''}`,
    'Call-ID: call-1@10.0.0.1',
    `CSeq: ${over.cseq ?? `1 ${method}`}`,
    'Contact: <sip:alice@10.0.0.1:5062>',
    'Content-Length: 0',
    '',
    '',
  ].join('\n');
}
