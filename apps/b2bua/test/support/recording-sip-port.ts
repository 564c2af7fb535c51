import { Dialog, type OutgoingRequest } from '@switchboard/dialog';
import type { SipMessage, SipRequest } from '@switchboard/sip';
import type { ClientTransaction, ClientTransactionHandlers, FakeClock } from '@switchboard/transactions';
import type { CallSipPort } from '../../src/calls/call-sip-port.js';

export interface SentRequest {
  readonly request: SipRequest;
  readonly handlers: ClientTransactionHandlers<SipMessage>;
  /** The port it went to. */
  readonly to: number;
}

/**
 * A CallSipPort that sends nothing: it records each request with its transaction handlers (a test
 * answers through them) and each ACK, on the test's FakeClock.
 */
export function recordingSipPort(clock: FakeClock, localUri = 'sip:b2bua@127.0.0.1:5060') {
  const sent: SentRequest[] = [];
  const acks: Array<{ ack: SipRequest; to: number }> = [];
  const port: CallSipPort = {
    clock,
    sendRequest: (request, target, handlers = {}) => {
      sent.push({ request, handlers, to: target.port });
      return {} as ClientTransaction<SipMessage>;
    },
    sendAck: (ack, target) => {
      acks.push({ ack, to: target.port });
      return Promise.resolve();
    },
    localUri: () => localUri,
    resolve: () => Promise.resolve([]),
  };
  return { port, sent, acks };
}

/**
 * A dialog the PBX opened with an INVITE that `remote` (sip:<user>@127.0.0.1:<port>) answered 200:
 * confirmed, the PBX its UAC (RFC 3261 §12.1.2).
 */
export function confirmedUacDialog(
  clock: FakeClock,
  ids: {
    callId: string;
    localTag: string;
    remoteTag: string;
    user: string;
    port: number;
    localContact: string;
  },
): Dialog {
  const invite: OutgoingRequest = {
    method: 'INVITE',
    requestUri: `sip:${ids.user}@127.0.0.1:${ids.port}`,
    route: [],
    from: { uri: 'sip:100@pbx.test', tag: ids.localTag },
    to: { uri: `sip:${ids.user}@pbx.test` },
    callId: ids.callId,
    cseq: { seq: 1, method: 'INVITE' },
    contact: ids.localContact,
    maxForwards: 70,
    headers: [],
  };
  return Dialog.asUac(
    invite,
    {
      status: 200,
      callId: ids.callId,
      cseq: { seq: 1, method: 'INVITE' },
      from: invite.from,
      to: { uri: `sip:${ids.user}@pbx.test`, tag: ids.remoteTag },
      contact: `sip:${ids.user}@127.0.0.1:${ids.port}`,
    },
    { clock, localContact: ids.localContact },
  );
}
