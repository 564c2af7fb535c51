// Building new messages (the B2BUA's own legs) and responses to requests (RFC 3261 §8.2.6).
import { encodeUtf8, toByteString } from '../grammar/text.js';
import { HeaderField } from '../headers/header-field.js';
import { HeaderId } from '../headers/header-names.js';
import type { SipParseError } from '../sip-parse-error.js';
import { formatUri, type Uri } from '../uri/uri.js';
import { randomHex64 } from './random-pool.js';
import { reasonPhrase } from './reason-phrases.js';
import { EMPTY_BODY } from './header-store.js';
import { SipRequest } from './sip-request.js';
import { SipResponse } from './sip-response.js';

/** Headers in order: [name, value] pairs, or a record whose array values give several lines. */
export type HeaderInit =
  | ReadonlyArray<readonly [string, string | number]>
  | Record<string, string | number | ReadonlyArray<string | number>>;

export interface RequestInit {
  method: string;
  uri: string | Uri;
  headers?: HeaderInit;
  body?: Buffer | string;
}

export interface ResponseInit {
  status: number;
  /** Reason phrase text; defaults to the usual phrase for the status. */
  reason?: string;
  headers?: HeaderInit;
  body?: Buffer | string;
}

function toFields(init: HeaderInit | undefined): HeaderField[] {
  const out: HeaderField[] = [];
  if (init === undefined) return out;
  // Straight into fields, without an intermediate list of pairs: every message the B2BUA builds
  // comes through here.
  if (Array.isArray(init)) {
    for (const [name, value] of init as ReadonlyArray<readonly [string, string | number]>)
      out.push(toField(name, value));
    return out;
  }
  const record = init as Record<string, string | number | ReadonlyArray<string | number>>;
  for (const name of Object.keys(record)) {
    const v = record[name]!;
    if (Array.isArray(v)) for (const one of v as ReadonlyArray<string | number>) out.push(toField(name, one));
    else out.push(toField(name, v as string | number));
  }
  return out;
}

function toField(name: string, value: string | number): HeaderField {
  return HeaderField.create(name, toByteString(String(value)));
}

function toBody(body: Buffer | string | undefined): Buffer {
  if (body === undefined) return EMPTY_BODY;
  return typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
}

/** A new request; Content-Length is computed when serialized. */
export function createRequest(init: RequestInit): SipRequest {
  const uri = typeof init.uri === 'string' ? init.uri : formatUri(init.uri);
  return new SipRequest(init.method, uri, toFields(init.headers), toBody(init.body));
}

/** A new response built from scratch (a B2BUA relaying a response builds its own). */
export function createResponseMessage(init: ResponseInit): SipResponse {
  const reason = encodeUtf8(init.reason ?? reasonPhrase(init.status));
  return new SipResponse(init.status, reason, toFields(init.headers), toBody(init.body));
}

/** A random To/From tag (RFC 3261 §19.3: at least 32 bits of randomness; here 64). */
export function generateTag(): string {
  return randomHex64();
}

export interface CreateResponseOptions {
  reason?: string;
  /** To tag to add when the request's To has none (generated when omitted). */
  toTag?: string;
  headers?: HeaderInit;
  body?: Buffer | string;
}

/**
 * A response to `request` per RFC 3261 §8.2.6: Via (all, in order), From, Call-ID and CSeq are
 * copied byte for byte; To is copied and gets a tag unless it has one or the status is 100
 * (§8.2.6.2); a 100 copies Timestamp (§8.2.6.1).
 */
export function createResponse(
  request: SipRequest,
  status: number,
  options: CreateResponseOptions = {},
): SipResponse {
  const fields: HeaderField[] = [];
  for (const h of request.headers) {
    if (
      h.id === HeaderId.Via ||
      h.id === HeaderId.From ||
      h.id === HeaderId.CallId ||
      h.id === HeaderId.CSeq
    ) {
      fields.push(h);
    } else if (h.id === HeaderId.To) {
      fields.push(withToTag(h, request.to.tag !== undefined, status, options.toTag));
    } else if (h.id === HeaderId.Timestamp && status === 100) {
      fields.push(h);
    }
  }
  fields.push(...toFields(options.headers));
  const reason = encodeUtf8(options.reason ?? reasonPhrase(status));
  return new SipResponse(status, reason, fields, toBody(options.body));
}

function withToTag(to: HeaderField, hasTag: boolean, status: number, toTag: string | undefined): HeaderField {
  if (hasTag || status === 100) return to;
  return HeaderField.create(to.name, `${to.value};tag=${toTag ?? generateTag()}`);
}

/**
 * The response to send for a request that failed to parse or validate (RFC 3261 §8.2.6 needs
 * Via, From, To, Call-ID, CSeq), or undefined when it cannot or must not be answered (a
 * response, an ACK, or the needed headers were unreadable).
 */
export function createErrorResponse(
  error: SipParseError,
  options: { toTag?: string } = {},
): SipResponse | undefined {
  const p = error.partial;
  if (!p || p.kind !== 'request' || p.method === 'ACK') return undefined;
  // A value holding a stray CR or LF (the reason of many such errors) is copied up to that byte:
  // the client matches the 400 by its top Via branch and CSeq (§17.1.3), and a header line must
  // not be broken in two. Without its top Via the answer could not be routed: none then.
  const clean = (v: string | undefined): string => (v === undefined ? '' : HeaderField.beforeLineBreak(v));
  const via = p.via.map(clean);
  const stray = via.findIndex((v, i) => v !== p.via[i]);
  const vias = (stray < 0 ? via : via.slice(0, stray + 1)).filter((v) => v !== '');
  const [from, toValue, callId, cseq] = [clean(p.from), clean(p.to), clean(p.callId), clean(p.cseq)];
  if (vias.length === 0 || !from || !toValue || !callId || !cseq) return undefined;
  const fields = vias.map((v) => HeaderField.create('Via', v));
  const to = /;\s*tag\s*=/i.test(toValue) ? toValue : `${toValue};tag=${options.toTag ?? generateTag()}`;
  fields.push(
    HeaderField.create('From', from),
    HeaderField.create('To', to),
    HeaderField.create('Call-ID', callId),
    HeaderField.create('CSeq', cseq),
  );
  return new SipResponse(error.status, error.reason, fields, EMPTY_BODY);
}
