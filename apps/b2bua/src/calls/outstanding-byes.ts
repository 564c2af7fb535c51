import type { SipMessage, SipRequest } from '@switchboard/sip';
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  ResolvedTarget,
  SendOptions,
} from '@switchboard/transactions';
import type { CallSipPort } from './call-sip-port.js';

/**
 * The BYEs call control has sent and not yet seen answered (final response, timeout or transport
 * error). Shutdown hangs up every call and waits for these, bounded, before the transports close:
 * a BYE whose 200 can no longer be received is retransmitted by nobody and the phone may keep a
 * dead call (RFC 3261 §15.1.1: the caller's session ends on the BYE's final response or timeout).
 */
export class OutstandingByes {
  private pending = 0;
  private idle: Array<() => void> = [];

  get count(): number {
    return this.pending;
  }

  /** `port` with every BYE it sends counted until its transaction has an outcome. */
  track(port: CallSipPort): CallSipPort {
    return {
      clock: port.clock,
      sendAck: (ack, target) => port.sendAck(ack, target),
      localUri: (protocol, user, secure) => port.localUri(protocol, user, secure),
      resolve: (input) => port.resolve(input),
      sendRequest: (request, target, handlers, options) =>
        request.method === 'BYE'
          ? this.sendBye(port, request, target, handlers ?? {}, options)
          : port.sendRequest(request, target, handlers, options),
    };
  }

  /** Resolves true when no BYE is outstanding, false when `timeoutMs` passed first (on the port's clock). */
  drained(port: CallSipPort, timeoutMs: number): Promise<boolean> {
    if (this.pending === 0) return Promise.resolve(true);
    return new Promise((resolve) => {
      const timer = port.clock.schedule(timeoutMs, () => {
        this.idle = this.idle.filter((w) => w !== done);
        resolve(false);
      });
      const done = (): void => {
        timer.cancel();
        resolve(true);
      };
      this.idle.push(done);
    });
  }

  private sendBye(
    port: CallSipPort,
    request: SipRequest,
    target: ResolvedTarget,
    handlers: ClientTransactionHandlers<SipMessage>,
    options: SendOptions | undefined,
  ): ClientTransaction<SipMessage> {
    let open = true;
    const settle = (): void => {
      if (!open) return;
      open = false;
      this.pending -= 1;
      if (this.pending === 0) for (const w of this.idle.splice(0)) w();
    };
    this.pending += 1;
    try {
      return port.sendRequest(
        request,
        target,
        {
          ...handlers,
          onResponse: (res, status) => {
            if (status >= 200) settle();
            handlers.onResponse?.(res, status);
          },
          onTimeout: () => {
            settle();
            handlers.onTimeout?.();
          },
          onTransportError: (err) => {
            settle();
            handlers.onTransportError?.(err);
          },
          onTerminated: () => {
            settle();
            handlers.onTerminated?.();
          },
        },
        options,
      );
    } catch (err) {
      settle();
      throw err;
    }
  }
}
