/**
 * The slice of a SIP message the dialog layer reads and writes. Kept as plain data so the layer is
 * testable alone; the B2BUA fills these views from @switchboard/sip messages and turns an
 * OutgoingRequest into a message (see `outgoingRequestHeaders`). Via is the transaction layer's business.
 */
export interface NameAddr {
  /** The URI as text, without angle brackets. */
  uri: string;
  displayName?: string;
  tag?: string;
}

export interface CSeqValue {
  seq: number;
  method: string;
}

export interface IncomingRequest {
  method: string;
  requestUri: string;
  callId: string;
  cseq: CSeqValue;
  from: NameAddr;
  to: NameAddr;
  /** URI of the Contact header, if any. */
  contact?: string;
  /** Record-Route entries top to bottom, one per route (name-addr text such as `<sip:p1;lr>`). */
  recordRoute?: readonly string[];
  /** Whether the request carries a body (an offer, for INVITE/UPDATE glare detection). */
  hasBody?: boolean;
}

export interface IncomingResponse {
  status: number;
  reason?: string;
  callId: string;
  cseq: CSeqValue;
  from: NameAddr;
  to: NameAddr;
  contact?: string;
  recordRoute?: readonly string[];
}

export interface HeaderField {
  name: string;
  value: string;
}

export interface OutgoingBody {
  contentType: string;
  content: Uint8Array | string;
}

/** A request built by the dialog layer, ready to be turned into a message and given to a client transaction. */
export interface OutgoingRequest {
  method: string;
  requestUri: string;
  /** Route header values in order (`<uri>` forms); empty when no Route header is needed. */
  route: string[];
  /** Where the request goes (§8.1.2), set by the dialog; absent: the first Route, else the Request-URI. */
  nextHop?: string;
  from: NameAddr;
  to: NameAddr;
  callId: string;
  cseq: CSeqValue;
  /** Our Contact URI (target refresh requests and the initial INVITE carry one). */
  contact?: string;
  maxForwards: number;
  headers: HeaderField[];
  body?: OutgoingBody;
}

// Module constant: a regular expression literal in a function body is a new object per call.
const QUOTED_SPECIAL = /["\\]/g;

/** RFC 3261 §25.1 quoted-string: `"` and `\` escaped with a backslash. */
function quoteDisplayName(name: string): string {
  return `"${name.replace(QUOTED_SPECIAL, '\\$&')}"`;
}

/** `"Name" <uri>;tag=x` (RFC 3261 §20.20 / §20.39: always with brackets so URI parameters stay in the URI). */
export function formatNameAddr(value: NameAddr): string {
  const display = value.displayName !== undefined ? `${quoteDisplayName(value.displayName)} ` : '';
  const tag = value.tag !== undefined ? `;tag=${value.tag}` : '';
  return `${display}<${value.uri}>${tag}`;
}

/** The request's headers in the order RFC 3261 §8.1.1 lists them (Via left to the transaction layer). */
export function outgoingRequestHeaders(request: OutgoingRequest): HeaderField[] {
  const out: HeaderField[] = request.route.map((value) => ({ name: 'Route', value }));
  out.push(
    { name: 'Max-Forwards', value: String(request.maxForwards) },
    { name: 'From', value: formatNameAddr(request.from) },
    { name: 'To', value: formatNameAddr(request.to) },
    { name: 'Call-ID', value: request.callId },
    { name: 'CSeq', value: `${request.cseq.seq} ${request.cseq.method}` },
  );
  if (request.contact !== undefined) out.push({ name: 'Contact', value: `<${request.contact}>` });
  out.push(...request.headers);
  if (request.body !== undefined) out.push({ name: 'Content-Type', value: request.body.contentType });
  return out;
}
