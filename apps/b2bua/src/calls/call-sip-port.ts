import type { SipMessage, SipRequest } from '@switchboard/sip';
import type {
  ClientTransaction,
  ClientTransactionHandlers,
  Clock,
  ResolvedTarget,
  SendOptions,
  TransportProtocol,
} from '@switchboard/transactions';

/**
 * What call control needs of the SIP stack: send as UAC, ACK a 2xx, our own URI, RFC 3263.
 * `SipStackService` (src/sip) provides exactly this; tests may supply a loopback stack.
 */
export interface CallSipPort {
  readonly clock: Clock;
  sendRequest(
    request: SipRequest,
    target: ResolvedTarget,
    handlers?: ClientTransactionHandlers<SipMessage>,
    options?: SendOptions,
  ): ClientTransaction<SipMessage>;
  sendAck(ack: SipRequest, target: ResolvedTarget): Promise<void>;
  /** Whether a connection of ours (a registration's flow) is still open; absent: cannot tell. */
  isFlowOpen?(flowId: string): boolean;
  localUri(protocol?: TransportProtocol, user?: string, secure?: boolean): string;
  resolve(input: {
    host: string;
    port?: number;
    transport?: string;
    secure?: boolean;
  }): Promise<ResolvedTarget[]>;
}
