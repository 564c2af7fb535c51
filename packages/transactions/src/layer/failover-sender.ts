import { type ResolveInput, type ResolvedTarget, type TargetResolver } from '../resolver/target-resolver.js';
import { TransportError } from '../transport/transport.js';
import { type ClientTransactionHandlers } from './client-transaction.js';
import { type SendOptions, type TransactionLayer } from './transaction-layer.js';

/**
 * RFC 3263 §4.3: resolves the next hop and tries its targets in order. A timeout, a transport
 * error or a 503 moves on to the next target with a fresh branch (a new transaction); the TU
 * sees only the outcome of the last attempt. Resolves with the list of targets it tried.
 */
export async function sendWithFailover<M>(
  layer: TransactionLayer<M>,
  resolver: TargetResolver,
  request: M,
  next: ResolveInput,
  handlers: ClientTransactionHandlers<M>,
  opts: SendOptions = {},
): Promise<ResolvedTarget[]> {
  const targets = await resolver.resolve(next);
  const tried: ResolvedTarget[] = [];
  if (targets.length === 0) {
    handlers.onTransportError?.(new TransportError(`no usable target for ${next.host}`, 'CONNECT_FAILED'));
    return tried;
  }
  const attempt = (i: number): void => {
    const target = targets[i];
    if (target === undefined) return;
    tried.push(target);
    const hasNext = i + 1 < targets.length;
    try {
      layer.sendRequest(
        request,
        target,
        {
          onResponse: (res, status) => {
            if (status === 503 && hasNext) attempt(i + 1);
            else handlers.onResponse?.(res, status);
          },
          onTimeout: () => (hasNext ? attempt(i + 1) : handlers.onTimeout?.()),
          onTransportError: (err) => (hasNext ? attempt(i + 1) : handlers.onTransportError?.(err)),
          onTerminated: () => handlers.onTerminated?.(),
        },
        // A fixed branch (CANCEL) only makes sense for the first target.
        i === 0 ? opts : {},
      );
    } catch (err) {
      // No transport for this protocol: skip the target like a transport error.
      if (hasNext) attempt(i + 1);
      else handlers.onTransportError?.(err instanceof Error ? err : new Error(String(err)));
    }
  };
  attempt(0);
  return tried;
}
