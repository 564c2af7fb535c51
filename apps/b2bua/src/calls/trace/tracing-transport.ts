import type { Endpoint, PacketHandler, Transport } from '@switchboard/transactions';
import type { TracePacket } from './call-trace-recorder.js';

/**
 * A transport that shows every SIP message it sends or delivers to `sink` (the per-call trace).
 * It wraps the flood guard, so dropped floods are never traced. The sink must not throw; if it
 * does, `onError` hears of it and the message still goes through.
 */
export class TracingTransport implements Transport {
  constructor(
    private readonly inner: Transport,
    private readonly sink: (packet: TracePacket) => void,
    /** The address shown as the PBX's (the public address when the listener is bound to a wildcard). */
    private readonly localHost: (bound: string) => string,
    private readonly onError: (err: unknown) => void,
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
    this.trace('out', target, data);
    return this.inner.send(target, data, flowId);
  }
  onPacket(handler: PacketHandler): void {
    this.inner.onPacket((packet) => {
      this.trace('in', packet.source, packet.data);
      // The layer answers on `packet.transport` (the innermost one): point it here so answers are traced.
      handler({ ...packet, transport: this });
    });
  }
  close(): Promise<void> {
    return this.inner.close();
  }

  private trace(dir: 'in' | 'out', remote: Endpoint, data: Buffer): void {
    try {
      const bound = this.inner.address();
      const local = { host: this.localHost(bound.host), port: bound.port };
      this.sink({ dir, proto: this.inner.protocol, local, remote, data });
    } catch (err) {
      this.onError(err);
    }
  }
}
