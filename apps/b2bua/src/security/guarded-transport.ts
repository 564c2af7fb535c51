import { DelegatingTransport, type PacketHandler, type Transport } from '@switchboard/transactions';

/**
 * A transport whose inbound packets pass `admit(source address)` first: the flood guard runs before
 * parsing and before any transaction state. Everything else is the wrapped transport's.
 */
export class GuardedTransport extends DelegatingTransport {
  constructor(
    inner: Transport,
    private readonly admit: (ip: string) => boolean,
    private readonly dropped: () => void,
  ) {
    super(inner);
  }

  override onPacket(handler: PacketHandler): void {
    this.inner.onPacket((packet) => {
      if (this.admit(packet.source.host)) handler(packet);
      else this.dropped();
    });
  }
}
