import {
  DelegatingTransport,
  type Endpoint,
  type PacketHandler,
  type Transport,
  type TransportSendOptions,
} from '@switchboard/transactions';
import type { TracePacket } from './call-trace-recorder.js';

/**
 * A transport that shows every SIP message it sends or delivers to `sink` (the per-call trace).
 * It wraps the flood guard, so dropped floods are never traced. The sink must not throw; if it
 * does, `onError` hears of it and the message still goes through.
 */
export class TracingTransport extends DelegatingTransport {
  /** The inner transport's bound address (the same object while it listens) and how it is shown. */
  private bound: Endpoint | undefined;
  private local: Endpoint = { host: '', port: 0 };

  constructor(
    inner: Transport,
    private readonly sink: (packet: TracePacket) => void,
    /** The address shown as the PBX's (the public address when the listener is bound to a wildcard). */
    private readonly localHost: (bound: string) => string,
    private readonly onError: (err: unknown) => void,
  ) {
    super(inner);
  }

  override send(
    target: Endpoint,
    data: Buffer,
    flowId?: string,
    options?: TransportSendOptions,
  ): Promise<void> {
    this.trace('out', target, data);
    return this.inner.send(target, data, flowId, options);
  }
  override onPacket(handler: PacketHandler): void {
    this.inner.onPacket((packet) => {
      this.trace('in', packet.source, packet.data);
      // The layer answers on `packet.transport` (the innermost one): point it here so answers are traced.
      handler({ ...packet, transport: this });
    });
  }

  private trace(dir: 'in' | 'out', remote: Endpoint, data: Buffer): void {
    try {
      const bound = this.inner.address();
      if (bound !== this.bound) {
        this.local = { host: this.localHost(bound.host), port: bound.port };
        this.bound = bound;
      }
      this.sink({ dir, proto: this.inner.protocol, local: this.local, remote, data });
    } catch (err) {
      this.onError(err);
    }
  }
}
