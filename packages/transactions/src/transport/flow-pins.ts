/** Why a connection stays open past the idle timeout: a registration binding routes requests over it. */
export interface FlowPin {
  /** How long from now the flow must stay open (the binding's remaining lifetime). */
  readonly forMs: number;
  /**
   * RFC 5626 §4.4.1: the phone was told (Flow-Timer) to send a keep-alive at least this often; a flow
   * that sends nothing, not even a CRLF ping, for longer is dead and is closed despite the pin.
   */
  readonly maxSilenceMs?: number;
}

/**
 * Flow controls of a connection-oriented transport (RFC 5626 §5.3): the registrar binds
 * registrations to the connection they arrived on, keeps it open while a binding lives and
 * forgets the bindings when it closes.
 */
export interface TransportFlows {
  isOpen(flowId: string): boolean;
  /** True when this transport made the flow id (open or since closed); ids carry a per-transport tag. */
  owns(flowId: string): boolean;
  /** Sets (or with `undefined` clears) the pin `key` on a flow; false when the flow is not open. */
  pin(flowId: string, key: string, pin: FlowPin | undefined): boolean;
  onClosed(listener: (flowId: string) => void): void;
}

interface HeldPin {
  readonly until: number;
  readonly maxSilenceMs: number | undefined;
}

/** The pins held on one connection, on the transport's clock. */
export class FlowPins {
  private readonly pins = new Map<string, HeldPin>();

  set(key: string, pin: FlowPin | undefined, now: number): void {
    if (pin === undefined) this.pins.delete(key);
    else this.pins.set(key, { until: now + pin.forMs, maxSilenceMs: pin.maxSilenceMs });
  }

  /**
   * What the idle sweep does with the connection: `keep` while a live pin holds it, `dead` when a
   * live pin's silence limit has passed, `free` (the plain idle rule applies) otherwise.
   */
  verdict(now: number, lastReceived: number): 'keep' | 'dead' | 'free' {
    let held = false;
    for (const [key, pin] of this.pins) {
      if (pin.until <= now) {
        this.pins.delete(key);
        continue;
      }
      if (pin.maxSilenceMs !== undefined && now - lastReceived > pin.maxSilenceMs) return 'dead';
      held = true;
    }
    return held ? 'keep' : 'free';
  }
}
