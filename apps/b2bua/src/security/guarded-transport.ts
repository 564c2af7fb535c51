import type { Endpoint, PacketHandler, Transport } from '@switchboard/transactions';

/**
 * A transport whose inbound packets pass `admit(source address)` first: the flood guard runs before
 * parsing and before any transaction state. Everything else is the wrapped transport's.
 */
export class GuardedTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly admit: (ip: string) => boolean,
    private readonly dropped: () => void,
  ) {}

  get protocol(): Transport['protocol'] {
    return this.inner.protocol;
  }
  get reliable(): boolean {
    return this.inner.reliable;
  }
  get timers(): Transport['timers'] {
    return this.inner.timers;
  }
  address(): Endpoint {
    return this.inner.address();
  }
  listen(): Promise<void> {
    return this.inner.listen();
  }
  send(target: Endpoint, data: Buffer, flowId?: string): Promise<void> {
    return this.inner.send(target, data, flowId);
  }
  onPacket(handler: PacketHandler): void {
    this.inner.onPacket((packet) => {
      if (this.admit(packet.source.host)) handler(packet);
      else this.dropped();
    });
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
