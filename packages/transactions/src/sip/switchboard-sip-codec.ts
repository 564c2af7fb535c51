import {
  DerivedKey,
  HeaderId,
  type SipMessage,
  type SipParseError,
  SipMessageBase,
  SipRequest,
  type SipResponse,
  createErrorResponse,
  createResponse,
  formatVia,
  messageTooLarge,
  parseMessage,
  splitList,
} from '@switchboard/sip';
import { type MessageInfo } from '../matching/message-info.js';
import { type SipCodec, type ViaSpec } from '../layer/sip-codec.js';

/** The transaction fields of a message, kept on the message itself (see `SipMessageBase.derived`). */
const INFO = new DerivedKey<MessageInfo>('transaction layer MessageInfo');
// Module constants: a regular expression literal in a function body is a new object per call
// (withReceived runs for every request received with rport).
const RECEIVED_PARAM = /;\s*received\s*=\s*[^;,\s]*/i;
const RPORT_PARAM = /;\s*rport(\s*=\s*\d*)?/i;

/**
 * The transaction layer's adapter over @switchboard/sip. Parsed fields are cached per message
 * object: a retransmission of a parsed message costs one lookup, not a re-scan.
 */
export class SwitchboardSipCodec implements SipCodec<SipMessage> {
  parse(data: Buffer): SipMessage {
    return parseMessage(data);
  }

  adopt(parsed: unknown): SipMessage | undefined {
    return parsed instanceof SipMessageBase ? (parsed as SipMessage) : undefined;
  }

  serialize(message: SipMessage): Buffer {
    return message.toBuffer();
  }

  info(message: SipMessage): MessageInfo {
    return message.derived(INFO, readInfo);
  }

  withVia(request: SipMessage, via: ViaSpec): SipMessage {
    const copy = request.clone();
    const host = via.host.includes(':') && !via.host.startsWith('[') ? `[${via.host}]` : via.host;
    copy.prependHeader(
      'Via',
      formatVia({
        transport: via.transport,
        host,
        port: via.port,
        branch: via.branch,
        params: via.rport ? { rport: null } : {},
      }),
    );
    return copy;
  }

  withReceived(request: SipMessage, received: string | undefined, rport: number | undefined): SipMessage {
    const copy = request.clone();
    const top = splitList(copy.getHeader('Via') ?? '')[0];
    if (top === undefined) return copy;
    let value = top.replace(RECEIVED_PARAM, '');
    if (rport !== undefined) value = value.replace(RPORT_PARAM, `;rport=${rport}`);
    // RFC 3261 §20.42: received holds the address unbracketed, IPv6 included.
    if (received !== undefined) value += `;received=${received}`;
    copy.removeFirstValue('Via');
    copy.prependHeader('Via', value);
    return copy;
  }

  createResponse(request: SipMessage, status: number, reason?: string, toTag?: string): SipMessage {
    if (request.kind !== 'request') throw new TypeError('createResponse needs a request');
    return createResponse(request, status, { reason, toTag });
  }

  /** §17.1.1.3: Request-URI, Call-ID, From, top Via and Route of the INVITE; To of the response. */
  createAck(invite: SipMessage, response: SipMessage): SipMessage {
    if (invite.kind !== 'request') throw new TypeError('createAck needs the INVITE request');
    const ack = new SipRequest('ACK', invite.requestUri);
    ack.addHeader('Via', splitList(invite.getHeader('Via') ?? '')[0] ?? '');
    for (const route of invite.getHeaders('Route')) ack.addHeader('Route', route);
    ack.addHeader('Max-Forwards', 70);
    ack.addHeader('From', invite.getHeader('From') ?? '');
    ack.addHeader('To', response.getHeader('To') ?? '');
    ack.addHeader('Call-ID', invite.getHeader('Call-ID') ?? '');
    ack.addHeader('CSeq', `${invite.cseq.seq} ACK`);
    ack.addHeader('Content-Length', 0);
    return ack;
  }

  /** RFC 3261 §21.5.14: the 513 error, built from the header section alone. */
  tooLarge(data: Buffer, limit: number): SipParseError {
    return messageTooLarge(data, limit);
  }

  /**
   * The 400 (or 505/513) for bad input. When the message parsed but a mandatory header is
   * bad, the partial view is rebuilt from the raw header values so the answer can be routed.
   */
  rejectMalformed(error: unknown, data: Buffer): SipMessage | undefined {
    if (!isSipParseError(error)) return undefined;
    if (error.partial === undefined || error.partial.from === undefined) {
      try {
        const m = parseMessage(data);
        error.partial = {
          kind: m.kind,
          method: m.kind === 'request' ? m.method : undefined,
          via: m.getHeaders('Via'),
          from: m.getHeader('From'),
          to: m.getHeader('To'),
          callId: m.getHeader('Call-ID'),
          cseq: m.getHeader('CSeq'),
        };
      } catch {
        // Keep whatever partial view the parser gave.
      }
    }
    return createErrorResponse(error);
  }
}

function readInfo(message: SipMessage): MessageInfo {
  const via = message.topVia;
  const cseq = message.cseq;
  const request = message.kind === 'request';
  return {
    isRequest: request,
    method: request ? message.method : undefined,
    status: request ? undefined : message.status,
    requestUri: request ? message.requestUri : undefined,
    callId: message.callId,
    cseqNumber: cseq.seq,
    cseqMethod: cseq.method,
    fromTag: message.from.tag,
    toTag: message.to.tag,
    via: {
      transport: via.transport,
      host: via.host,
      port: via.port,
      branch: via.branch,
      received: via.received === undefined ? undefined : stripBrackets(via.received),
      rport: via.rport,
      maddr: via.maddr,
    },
    viaRaw: topViaValue(message),
  };
}

/**
 * The first value of the first Via line as written. Read by header id: `getHeader` would turn a
 * parsed message's whole header index into field objects for this one value.
 */
function topViaValue(message: SipMessage): string {
  return splitList(message.firstValue(HeaderId.Via) ?? '')[0] ?? '';
}

function stripBrackets(host: string): string {
  return host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host;
}

function isSipParseError(e: unknown): e is SipParseError {
  return e instanceof Error && e.name === 'SipParseError';
}

export type { SipMessage, SipRequest, SipResponse };
