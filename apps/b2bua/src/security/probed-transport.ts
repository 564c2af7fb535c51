import {
  DelegatingTransport,
  type Endpoint,
  type PacketHandler,
  type Transport,
} from '@switchboard/transactions';

/**
 * A transport whose inbound datagrams pass `take(data, source)` first: the intake-delay probe's own
 * datagrams are consumed there (measured, never parsed); everything else goes on to the stack. It
 * wraps the UDP listener innermost, so probes are read in the kernel queue's order and are not
 * counted by the flood guard.
 */
export class ProbedTransport extends DelegatingTransport {
  constructor(
    inner: Transport,
    private readonly take: (data: Buffer, source: Endpoint) => boolean,
  ) {
    super(inner);
  }

  override onPacket(handler: PacketHandler): void {
    this.inner.onPacket((packet) => {
      if (!this.take(packet.data, packet.source)) handler(packet);
    });
  }
}
