import { type TimerConfig } from '../transaction/timer-config.js';
import { type TransportFlows } from './flow-pins.js';
import {
  type Endpoint,
  type PacketHandler,
  type Transport,
  type TransportProtocol,
  type TransportSendOptions,
} from './transport.js';

/**
 * A transport that hands everything to `inner`: the base of wrappers (flood guard, tracing) that
 * override only what they change, so a new member of `Transport` is never silently dropped.
 */
export abstract class DelegatingTransport implements Transport {
  constructor(protected readonly inner: Transport) {}

  get protocol(): TransportProtocol {
    return this.inner.protocol;
  }
  get reliable(): boolean {
    return this.inner.reliable;
  }
  get timers(): TimerConfig {
    return this.inner.timers;
  }
  get flows(): TransportFlows | undefined {
    return this.inner.flows;
  }
  address(): Endpoint {
    return this.inner.address();
  }
  listen(): Promise<void> {
    return this.inner.listen();
  }
  send(target: Endpoint, data: Buffer, flowId?: string, options?: TransportSendOptions): Promise<void> {
    return this.inner.send(target, data, flowId, options);
  }
  onPacket(handler: PacketHandler): void {
    this.inner.onPacket(handler);
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}
