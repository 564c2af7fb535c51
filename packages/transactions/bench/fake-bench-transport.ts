import {
  DEFAULT_TIMERS,
  type Endpoint,
  type InboundPacket,
  type PacketHandler,
  type TimerConfig,
  type Transport,
} from '../src/index.js';

/** A transport that drops what is sent and delivers prepared requests: for memory measurements. */
export class FakeBenchTransport implements Transport {
  readonly protocol = 'UDP' as const;
  readonly reliable = false;
  readonly timers: TimerConfig = DEFAULT_TIMERS;
  private readonly handlers: PacketHandler[] = [];

  address(): Endpoint {
    return { host: '127.0.0.1', port: 5060 };
  }

  listen(): Promise<void> {
    return Promise.resolve();
  }

  send(): Promise<void> {
    return Promise.resolve();
  }

  onPacket(handler: PacketHandler): void {
    this.handlers.push(handler);
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  requestBytes(method: string, i: number): InboundPacket {
    const text =
      `${method} sip:bob@127.0.0.1 SIP/2.0\r\n` +
      `Via: SIP/2.0/UDP 10.0.${(i >> 8) & 255}.${i & 255}:5060;branch=z9hG4bK${i.toString(16)}x;rport\r\n` +
      'Max-Forwards: 70\r\n' +
      `From: <sip:alice@10.0.0.1>;tag=f${i}\r\n` +
      'To: <sip:bob@127.0.0.1>\r\n' +
      `Call-ID: ${i}@10.0.0.1\r\n` +
      `CSeq: 1 ${method}\r\n` +
      'Content-Length: 0\r\n\r\n';
    return {
      data: Buffer.from(text),
      source: { host: '10.0.0.1', port: 5060 },
      flowId: undefined,
      transport: this,
    };
  }

  deliver(packet: InboundPacket): void {
    for (const h of this.handlers) h(packet);
  }
}
