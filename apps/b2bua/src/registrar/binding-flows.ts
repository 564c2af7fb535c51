import type { RegistrationBinding } from '@switchboard/live-state';
import { NODE_ID } from './node-id.js';

/** The flow (connection) to send a binding's requests over: only when this process holds it. */
export function localFlowOf(binding: RegistrationBinding): string | undefined {
  return binding.node === NODE_ID ? binding.flowId : undefined;
}

/**
 * The bindings worth dialling. A binding on a connection of ours that has closed is skipped: the
 * phone cannot be reached that way and never accepts a new connection to its ephemeral port (RFC
 * 5626 §5.3). Of several bindings of one `+sip.instance`, only the latest registered is dialled
 * (RFC 5626 §7: one target per AOR and instance at a time). `isFlowOpen` undefined: cannot tell.
 */
export function dialableBindings(
  bindings: readonly RegistrationBinding[],
  isFlowOpen: ((flowId: string) => boolean) | undefined,
): RegistrationBinding[] {
  const live = bindings.filter((b) => {
    const flow = localFlowOf(b);
    return flow === undefined || isFlowOpen === undefined || isFlowOpen(flow);
  });
  const latestOfInstance = new Map<string, RegistrationBinding>();
  for (const b of live) {
    if (b.instance === undefined) continue;
    const seen = latestOfInstance.get(b.instance);
    if (seen === undefined || (b.registeredAt ?? 0) > (seen.registeredAt ?? 0))
      latestOfInstance.set(b.instance, b);
  }
  return live.filter((b) => b.instance === undefined || latestOfInstance.get(b.instance) === b);
}
