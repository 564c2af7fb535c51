import {
  type NameAddr as SipNameAddr,
  type SipRequest,
  type SipResponse,
  SipParseError,
  createRequest,
} from '@switchboard/sip';
import { DialogMessageError } from './dialog-errors.js';
import {
  type IncomingRequest,
  type IncomingResponse,
  type NameAddr,
  type OutgoingRequest,
  outgoingRequestHeaders,
} from './dialog-message.js';

/*
 * The thin bridge between @switchboard/sip messages and the dialog layer's plain views. Header values
 * are parsed lazily by the sip package; a malformed one surfaces here as a DialogMessageError (the
 * caller answers 400) instead of a SipParseError deep inside dialog logic.
 */

function nameAddr(value: SipNameAddr): NameAddr {
  const out: NameAddr = { uri: value.uriText };
  const display = value.displayName;
  if (display !== undefined && display !== '') out.displayName = display;
  const tag = value.tag;
  if (tag !== undefined) out.tag = tag;
  return out;
}

function firstContact(message: SipRequest | SipResponse): string | undefined {
  const contacts = message.contacts;
  return contacts === '*' ? undefined : contacts[0]?.uriText;
}

function guard<T>(what: string, read: () => T): T {
  try {
    return read();
  } catch (e) {
    if (e instanceof SipParseError) throw new DialogMessageError(`${what}: ${e.message}`, { cause: e });
    throw e;
  }
}

export function incomingRequestFromSip(message: SipRequest): IncomingRequest {
  return guard('request', () => {
    const contact = firstContact(message);
    return {
      method: message.method,
      requestUri: message.requestUri,
      callId: message.callId,
      cseq: { seq: message.cseq.seq, method: message.cseq.method },
      from: nameAddr(message.from),
      to: nameAddr(message.to),
      ...(contact !== undefined ? { contact } : {}),
      recordRoute: message.getHeaderValues('Record-Route'),
      hasBody: message.body.length > 0,
    };
  });
}

export function incomingResponseFromSip(message: SipResponse): IncomingResponse {
  return guard('response', () => {
    const contact = firstContact(message);
    return {
      status: message.status,
      reason: message.reason,
      callId: message.callId,
      cseq: { seq: message.cseq.seq, method: message.cseq.method },
      from: nameAddr(message.from),
      to: nameAddr(message.to),
      ...(contact !== undefined ? { contact } : {}),
      recordRoute: message.getHeaderValues('Record-Route'),
    };
  });
}

/** The SIP request for an OutgoingRequest, without Via (the transaction layer adds the top Via). */
export function sipRequestFromOutgoing(request: OutgoingRequest): SipRequest {
  const headers = outgoingRequestHeaders(request).map((h) => [h.name, h.value] as const);
  const body = request.body?.content;
  return createRequest({
    method: request.method,
    uri: request.requestUri,
    headers,
    ...(body !== undefined ? { body: typeof body === 'string' ? body : Buffer.from(body) } : {}),
  });
}
