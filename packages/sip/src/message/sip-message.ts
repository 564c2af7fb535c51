// The message model (RFC 3261 §7): start line, ordered header fields, body bytes.
// Headers are split eagerly by the parser; structured values are parsed on first access and
// cached until the message is modified.
import { isTrimSpace, listElementEnd, splitList } from '../grammar/scanner.js';
import { decodeUtf8, encodeUtf8, toByteString } from '../grammar/text.js';
import { type AuthHeader, parseAuthHeader } from '../headers/auth.js';
import { type CSeq, parseCSeqAt, parseRAck, parseRSeq, type RAck } from '../headers/cseq.js';
import { parseDate } from '../headers/date.js';
import {
  type EventHeader,
  parseEvent,
  parseReplaces,
  parseSubscriptionState,
  type Replaces,
  type SubscriptionState,
} from '../headers/event.js';
import { HeaderField } from '../headers/header-field.js';
import {
  indexFields,
  indexFind,
  indexValue,
  indexValueSpan,
  type HeaderIndex,
  INDEX_STRIDE,
  type ValueSpan,
} from '../headers/header-index.js';
import { canonicalHeaderName, HeaderId, headerIdOf } from '../headers/header-names.js';
import { type MediaType, parseMediaType } from '../headers/media-type.js';
import { type NameAddr, parseNameAddr, parseNameAddrAt } from '../headers/name-addr.js';
import { parseReason, parseWarning, type ReasonValue, type WarningValue } from '../headers/reason-warning.js';
import {
  type DeltaWithParams,
  parseContentLength,
  parseDeltaSeconds,
  parseMaxForwards,
  parseMinSE,
  parseRetryAfter,
  parseSessionExpires,
  type RetryAfter,
  type SessionExpires,
} from '../headers/scalar-headers.js';
import { parseTokenList } from '../headers/token-list.js';
import { parseVia, type Via } from '../headers/via.js';
import { SipParseError } from '../sip-parse-error.js';
import { parseUri, type Uri } from '../uri/uri.js';
import { serializeMessage } from './message-serializer.js';

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** Header value input: a byte string, or text with characters above U+00FF (UTF-8 encoded). */
export type HeaderValueInput = string | number;

// Where the hot accessors find a header value without copying it (filled and read at once).
const SPAN: ValueSpan = { src: '', start: 0, end: 0 };

function missing(name: string): SipParseError {
  return new SipParseError(`Missing ${name} header`, { header: name });
}

export abstract class SipMessageBase {
  // Header lines: HeaderField objects, or (parsed messages, until the list is asked for or
  // modified) offsets into the decoded header section.
  private _fields: HeaderField[] | undefined;
  private _src: string;
  private _index: HeaderIndex | undefined;
  protected _body: Buffer | undefined;
  protected _version: string;
  protected _source: Buffer | undefined;
  // Parsed messages slice body and source lazily out of the received bytes.
  private _wire: Buffer | undefined;
  private _wireStart: number;
  private _wireBody: number;
  private _wireEnd: number;
  private _topVia: Via | undefined;
  private _from: NameAddr | undefined;
  private _to: NameAddr | undefined;
  private _cseq: CSeq | undefined;
  private _callId: string | undefined;
  private _contacts: readonly NameAddr[] | '*' | undefined;
  private _cache: Map<string, unknown> | undefined;

  protected constructor(
    headers: HeaderField[],
    body: Buffer | undefined,
    version: string,
    source: Buffer | undefined,
  ) {
    this._fields = headers;
    this._src = '';
    this._index = undefined;
    this._body = body;
    this._version = version;
    this._source = source;
    this._wire = undefined;
    this._wireStart = 0;
    this._wireBody = 0;
    this._wireEnd = 0;
    this._topVia = undefined;
    this._from = undefined;
    this._to = undefined;
    this._cseq = undefined;
    this._callId = undefined;
    this._contacts = undefined;
    this._cache = undefined;
  }

  abstract readonly kind: 'request' | 'response';
  /** The start line without CRLF. */
  abstract startLine(): string;

  /** "SIP/2.0" as written. */
  get version(): string {
    return this._version;
  }

  /** Header fields in wire order (one entry per header line). Modify through the methods below. */
  get headers(): readonly HeaderField[] {
    return this.fieldList;
  }

  /** The mutable header list, created from the parser's index on first use. */
  protected get fieldList(): HeaderField[] {
    if (this._fields === undefined) {
      this._fields = indexFields(this._src, this._index ?? []);
      this._index = undefined;
    }
    return this._fields;
  }

  /** @internal Parser use: the header lines as offsets into the decoded header section `src`. */
  attachHeaderIndex(src: string, index: HeaderIndex): this {
    this._src = src;
    this._index = index;
    this._fields = undefined;
    return this;
  }

  get body(): Buffer {
    return (this._body ??= this._wire ? this._wire.subarray(this._wireBody, this._wireEnd) : EMPTY_BODY);
  }

  set body(body: Buffer | string) {
    this._body = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
    this.modified();
  }

  /** The original bytes when the message was parsed and has not been modified since. */
  get source(): Buffer | undefined {
    if (this._source === undefined && this._wire !== undefined) {
      this._source = this._wire.subarray(this._wireStart, this._wireEnd);
    }
    return this._source;
  }

  /**
   * @internal Parser use: the message occupies wire[start, end) and its body wire[bodyStart, end).
   */
  attachWire(wire: Buffer, start: number, bodyStart: number, end: number): this {
    this._wire = wire;
    this._wireStart = start;
    this._wireBody = bodyStart;
    this._wireEnd = end;
    this._body = undefined;
    this._source = undefined;
    return this;
  }

  /** Serializes the message; an unmodified parsed message yields its original bytes. */
  toBuffer(): Buffer {
    return this.source ?? serializeMessage(this);
  }

  /** The message as a latin1 string (octet per char). */
  toString(): string {
    return this.toBuffer().toString('latin1');
  }

  // ---- generic header access ---------------------------------------------------------------

  /** Value of the first header named `name` (any case, compact forms match), or undefined. */
  getHeader(name: string): string | undefined {
    const i = this.indexOfHeader(name, 0);
    return i < 0 ? undefined : this.fieldList[i]!.value;
  }

  /** Values of every header line named `name`, in order. */
  getHeaders(name: string): string[] {
    const out: string[] = [];
    for (let i = this.indexOfHeader(name, 0); i >= 0; i = this.indexOfHeader(name, i + 1)) {
      out.push(this.fieldList[i]!.value);
    }
    return out;
  }

  /** Comma-separated values of every `name` header, split outside quotes and <>. */
  getHeaderValues(name: string): string[] {
    const out: string[] = [];
    for (const v of this.getHeaders(name)) out.push(...splitList(v));
    return out;
  }

  hasHeader(name: string): boolean {
    return this.indexOfHeader(name, 0) >= 0;
  }

  /** Number of header lines named `name`. */
  countHeaders(name: string): number {
    let n = 0;
    for (let i = this.indexOfHeader(name, 0); i >= 0; i = this.indexOfHeader(name, i + 1)) n++;
    return n;
  }

  /** Replaces every `name` header by one line (at the first one's position, else appended). */
  setHeader(name: string, value: HeaderValueInput): this {
    const field = HeaderField.create(name, toByteString(String(value)));
    const first = this.indexOfHeader(name, 0);
    this.removeHeader(name);
    if (first < 0) this.fieldList.push(field);
    else this.fieldList.splice(first, 0, field);
    this.modified();
    return this;
  }

  /** Appends a header line after the last one of the same name (else at the end). */
  addHeader(name: string, value: HeaderValueInput): this {
    const field = HeaderField.create(name, toByteString(String(value)));
    let last = -1;
    for (let i = this.indexOfHeader(name, 0); i >= 0; i = this.indexOfHeader(name, i + 1)) last = i;
    if (last < 0) this.fieldList.push(field);
    else this.fieldList.splice(last + 1, 0, field);
    this.modified();
    return this;
  }

  /** Inserts a header line before the first one of the same name (else at the top): Via, Record-Route. */
  prependHeader(name: string, value: HeaderValueInput): this {
    const field = HeaderField.create(name, toByteString(String(value)));
    const first = this.indexOfHeader(name, 0);
    this.fieldList.splice(first < 0 ? 0 : first, 0, field);
    this.modified();
    return this;
  }

  /** Removes every `name` header; returns how many lines were removed. */
  removeHeader(name: string): number {
    const before = this.fieldList.length;
    const id = headerIdOf(name);
    const lower = name.toLowerCase();
    this._fields = this.fieldList.filter((h) => !matches(h, id, lower));
    const removed = before - this._fields.length;
    if (removed > 0) this.modified();
    return removed;
  }

  /** Removes the first value of the first `name` header, keeping other values of that line (top Via). */
  removeFirstValue(name: string): boolean {
    const i = this.indexOfHeader(name, 0);
    if (i < 0) return false;
    const field = this.fieldList[i]!;
    const v = field.value;
    const e = listElementEnd(v, 0, v.length);
    if (e >= v.length) this.fieldList.splice(i, 1);
    else this.fieldList[i] = HeaderField.create(field.name, v.slice(e + 1).trim());
    this.modified();
    return true;
  }

  /** Appends an already-built header field (e.g. copied from another message, bytes kept). */
  appendField(field: HeaderField): this {
    this.fieldList.push(field);
    this.modified();
    return this;
  }

  // ---- typed accessors of the required headers (throw SipParseError if absent/malformed) ----

  /** All Via values, top first. */
  get via(): readonly Via[] {
    return this.cached('via', () => this.listOf(HeaderId.Via).map((v) => parseVia(v)));
  }

  /** The top Via (only its first value is parsed). */
  get topVia(): Via {
    if (this._topVia !== undefined) return this._topVia;
    if (!this.firstSpan(HeaderId.Via)) throw missing('Via');
    const { src, start, end } = SPAN;
    // Native search for a comma first: most Via lines hold one value (once per message, so
    // a search past `end` stays linear).
    const comma = src.indexOf(',', start);
    this._topVia = parseVia(src, start, comma < 0 || comma >= end ? end : listElementEnd(src, start, end));
    return this._topVia;
  }

  get from(): NameAddr {
    if (this._from !== undefined) return this._from;
    if (!this.firstSpan(HeaderId.From)) throw missing('From');
    return (this._from = parseNameAddrAt(SPAN.src, SPAN.start, SPAN.end, 'From'));
  }

  get to(): NameAddr {
    if (this._to !== undefined) return this._to;
    if (!this.firstSpan(HeaderId.To)) throw missing('To');
    return (this._to = parseNameAddrAt(SPAN.src, SPAN.start, SPAN.end, 'To'));
  }

  /** The Call-ID value (must be present; its word grammar is checked by validate()). */
  get callId(): string {
    if (this._callId !== undefined) return this._callId;
    const v = this.required(HeaderId.CallId);
    if (v === '') throw new SipParseError('Invalid Call-ID header: empty value', { header: 'Call-ID' });
    return (this._callId = v);
  }

  get cseq(): CSeq {
    if (this._cseq !== undefined) return this._cseq;
    if (!this.firstSpan(HeaderId.CSeq)) throw missing('CSeq');
    return (this._cseq = parseCSeqAt(SPAN.src, SPAN.start, SPAN.end));
  }

  // ---- typed accessors of optional headers (undefined / empty when absent) ----------------

  /** Contact values, or "*" for the REGISTER wildcard (RFC 3261 §10.2.2); [] when absent. */
  get contacts(): readonly NameAddr[] | '*' {
    return (this._contacts ??= this.parseContacts());
  }

  get maxForwards(): number | undefined {
    return this.optional('max-forwards', HeaderId.MaxForwards, parseMaxForwards);
  }

  /** The declared Content-Length (undefined when the header is absent). */
  get contentLength(): number | undefined {
    return this.optional('content-length', HeaderId.ContentLength, parseContentLength);
  }

  get contentType(): MediaType | undefined {
    return this.optional('content-type', HeaderId.ContentType, (v) => parseMediaType(v));
  }

  get routes(): readonly NameAddr[] {
    return this.cached('route', () =>
      this.listOf(HeaderId.Route).map((v) => parseNameAddr(v, 'Route', { requireBrackets: true })),
    );
  }

  get recordRoutes(): readonly NameAddr[] {
    return this.cached('record-route', () =>
      this.listOf(HeaderId.RecordRoute).map((v) =>
        parseNameAddr(v, 'Record-Route', { requireBrackets: true }),
      ),
    );
  }

  get expires(): number | undefined {
    return this.optional('expires', HeaderId.Expires, (v) => parseDeltaSeconds(v, 'Expires'));
  }

  get minExpires(): number | undefined {
    return this.optional('min-expires', HeaderId.MinExpires, (v) => parseDeltaSeconds(v, 'Min-Expires'));
  }

  get authorization(): readonly AuthHeader[] {
    return this.auth(HeaderId.Authorization, 'Authorization');
  }

  get proxyAuthorization(): readonly AuthHeader[] {
    return this.auth(HeaderId.ProxyAuthorization, 'Proxy-Authorization');
  }

  get wwwAuthenticate(): readonly AuthHeader[] {
    return this.auth(HeaderId.WwwAuthenticate, 'WWW-Authenticate');
  }

  get proxyAuthenticate(): readonly AuthHeader[] {
    return this.auth(HeaderId.ProxyAuthenticate, 'Proxy-Authenticate');
  }

  get allow(): readonly string[] {
    return this.tokens(HeaderId.Allow);
  }

  get supported(): readonly string[] {
    return this.tokens(HeaderId.Supported);
  }

  get require(): readonly string[] {
    return this.tokens(HeaderId.Require);
  }

  get proxyRequire(): readonly string[] {
    return this.tokens(HeaderId.ProxyRequire);
  }

  get unsupported(): readonly string[] {
    return this.tokens(HeaderId.Unsupported);
  }

  get allowEvents(): readonly string[] {
    return this.tokens(HeaderId.AllowEvents);
  }

  get event(): EventHeader | undefined {
    return this.optional('event', HeaderId.Event, parseEvent);
  }

  get subscriptionState(): SubscriptionState | undefined {
    return this.optional('subscription-state', HeaderId.SubscriptionState, parseSubscriptionState);
  }

  get referTo(): NameAddr | undefined {
    return this.optional('refer-to', HeaderId.ReferTo, (v) => parseNameAddr(v, 'Refer-To'));
  }

  get referredBy(): NameAddr | undefined {
    return this.optional('referred-by', HeaderId.ReferredBy, (v) => parseNameAddr(v, 'Referred-By'));
  }

  get replaces(): Replaces | undefined {
    return this.optional('replaces', HeaderId.Replaces, parseReplaces);
  }

  get sessionExpires(): SessionExpires | undefined {
    return this.optional('session-expires', HeaderId.SessionExpires, parseSessionExpires);
  }

  get minSE(): DeltaWithParams | undefined {
    return this.optional('min-se', HeaderId.MinSE, parseMinSE);
  }

  get rseq(): number | undefined {
    return this.optional('rseq', HeaderId.RSeq, parseRSeq);
  }

  get rack(): RAck | undefined {
    return this.optional('rack', HeaderId.RAck, parseRAck);
  }

  get reasons(): readonly ReasonValue[] {
    return this.cached('reason', () => this.getHeaders('Reason').flatMap(parseReason));
  }

  get warnings(): readonly WarningValue[] {
    return this.cached('warning', () => this.getHeaders('Warning').flatMap(parseWarning));
  }

  get pAssertedIdentities(): readonly NameAddr[] {
    return this.cached('pai', () =>
      this.listOf(HeaderId.PAssertedIdentity).map((v) =>
        parseNameAddr(v, 'P-Asserted-Identity', { noParams: true }),
      ),
    );
  }

  get diversions(): readonly NameAddr[] {
    return this.cached('diversion', () =>
      this.listOf(HeaderId.Diversion).map((v) => parseNameAddr(v, 'Diversion', { requireBrackets: true })),
    );
  }

  get historyInfo(): readonly NameAddr[] {
    return this.cached('history-info', () =>
      this.listOf(HeaderId.HistoryInfo).map((v) =>
        parseNameAddr(v, 'History-Info', { requireBrackets: true }),
      ),
    );
  }

  get date(): Date | undefined {
    return this.optional('date', HeaderId.Date, parseDate);
  }

  get retryAfter(): RetryAfter | undefined {
    return this.optional('retry-after', HeaderId.RetryAfter, parseRetryAfter);
  }

  /** The body decoded as UTF-8 text. */
  get bodyText(): string {
    return this.body.toString('utf8');
  }

  // ---- internals ----------------------------------------------------------------------------

  /** Index of the next header named `name` at or after `from`, -1 when none. */
  indexOfHeader(name: string, from: number): number {
    const id = headerIdOf(name);
    const lower = id === 0 ? name.toLowerCase() : '';
    const hs = this.fieldList;
    for (let i = from; i < hs.length; i++) if (matches(hs[i]!, id, lower)) return i;
    return -1;
  }

  /** Value of the first header with a known id (no HeaderField created for parsed messages). */
  firstValue(id: number): string | undefined {
    const index = this._index;
    if (this._fields === undefined && index !== undefined) {
      const k = indexFind(this._src, index, id);
      return k < 0 ? undefined : indexValue(this._src, index, k);
    }
    return this.first(id)?.value;
  }

  /** First header with a known id. */
  first(id: number): HeaderField | undefined {
    const hs = this.fieldList;
    for (let i = 0; i < hs.length; i++) if (hs[i]!.id === id) return hs[i];
    return undefined;
  }

  /** Comma-split values of every header with a known id. */
  listOf(id: number): string[] {
    const out: string[] = [];
    const index = this._index;
    if (this._fields === undefined && index !== undefined) {
      for (
        let k = indexFind(this._src, index, id);
        k >= 0;
        k = indexFind(this._src, index, id, k + INDEX_STRIDE)
      ) {
        const v = indexValue(this._src, index, k);
        if (v.indexOf(',') < 0) out.push(v);
        else out.push(...splitList(v));
      }
      return out;
    }
    const hs = this.fieldList;
    for (let i = 0; i < hs.length; i++) {
      if (hs[i]!.id !== id) continue;
      const v = hs[i]!.value;
      if (v.indexOf(',') < 0) out.push(v);
      else out.push(...splitList(v));
    }
    return out;
  }

  /**
   * Points SPAN at the value of the first header with a known id (see indexValueSpan); false
   * when there is none. Parsed, unmodified messages need no copy of the value.
   */
  private firstSpan(id: number): boolean {
    const index = this._index;
    if (this._fields === undefined && index !== undefined) {
      const k = indexFind(this._src, index, id);
      if (k < 0) return false;
      indexValueSpan(this._src, index, k, SPAN);
      return true;
    }
    const field = this.first(id);
    if (field === undefined) return false;
    const v = field.value;
    SPAN.src = v;
    SPAN.start = 0;
    SPAN.end = v.length;
    return true;
  }

  /**
   * Contact list elements parsed in place. Same elements as listOf(): a line with a comma is
   * split at top-level commas and each element trimmed; "*" must stand alone (checked first).
   */
  private parseContacts(): readonly NameAddr[] | '*' {
    const ranges: Array<string | number> = [];
    let stars = 0;
    // Next comma at or after the current line in its string: searched natively and only again
    // once passed, so many lines cost one pass in total.
    let commaSrc = '';
    let nextComma = -1;
    for (const span of this.lineSpans(HeaderId.Contact)) {
      const { src, start, end } = span;
      if (src !== commaSrc || (nextComma >= 0 && nextComma < start)) {
        commaSrc = src;
        nextComma = src.indexOf(',', start);
      }
      const comma = nextComma >= 0 && nextComma < end;
      let pos = start;
      for (;;) {
        const e = comma ? listElementEnd(src, pos, end) : end;
        let a = pos;
        let b = e;
        if (comma) {
          while (a < b && isTrimSpace(src.charCodeAt(a))) a++;
          while (b > a && isTrimSpace(src.charCodeAt(b - 1))) b--;
        }
        if (b - a === 1 && src.charCodeAt(a) === 42) stars++;
        ranges.push(src, a, b);
        if (e >= end) break;
        pos = e + 1;
      }
    }
    if (stars > 0) {
      if (ranges.length === 3) return '*';
      throw new SipParseError('Invalid Contact header: "*" mixed with addresses', { header: 'Contact' });
    }
    const out: NameAddr[] = new Array<NameAddr>(ranges.length / 3);
    for (let r = 0; r < ranges.length; r += 3) {
      out[r / 3] = parseNameAddrAt(
        ranges[r] as string,
        ranges[r + 1] as number,
        ranges[r + 2] as number,
        'Contact',
      );
    }
    return out;
  }

  /** The value of every line with a known id as a span (a fresh object per line). */
  private lineSpans(id: number): ValueSpan[] {
    const out: ValueSpan[] = [];
    const index = this._index;
    if (this._fields === undefined && index !== undefined) {
      for (
        let k = indexFind(this._src, index, id);
        k >= 0;
        k = indexFind(this._src, index, id, k + INDEX_STRIDE)
      ) {
        const span: ValueSpan = { src: '', start: 0, end: 0 };
        indexValueSpan(this._src, index, k, span);
        out.push(span);
      }
      return out;
    }
    for (const h of this.fieldList) {
      if (h.id === id) out.push({ src: h.value, start: 0, end: h.value.length });
    }
    return out;
  }

  private required(id: number): string {
    const v = this.firstValue(id);
    if (v === undefined) throw missing(canonicalHeaderName(id));
    return v;
  }

  private optional<T>(key: string, id: number, parse: (v: string) => T): T | undefined {
    return this.cached(key, () => {
      const v = this.firstValue(id);
      return v === undefined ? undefined : parse(v);
    });
  }

  private tokens(id: number): readonly string[] {
    const name = canonicalHeaderName(id);
    return this.cached(name, () => this.getHeaders(name).flatMap((v) => parseTokenList(v, name, true)));
  }

  private auth(id: number, name: string): readonly AuthHeader[] {
    return this.cached(name, () => {
      const out: AuthHeader[] = [];
      for (const h of this.fieldList) if (h.id === id) out.push(parseAuthHeader(h.value, name));
      return out;
    });
  }

  protected cached<T>(key: string, compute: () => T): T {
    const cache = (this._cache ??= new Map<string, unknown>());
    if (cache.has(key)) return cache.get(key) as T;
    const value = compute();
    cache.set(key, value);
    return value;
  }

  /** Drops cached parses and the original bytes after any change. */
  protected modified(): void {
    this._body = this.body;
    this._wire = undefined;
    this._source = undefined;
    this._topVia = undefined;
    this._from = undefined;
    this._to = undefined;
    this._cseq = undefined;
    this._callId = undefined;
    this._contacts = undefined;
    this._cache = undefined;
  }
}

function matches(h: HeaderField, id: number, lower: string): boolean {
  return id !== 0 ? h.id === id : h.id === 0 && h.name.toLowerCase() === lower;
}

export class SipRequest extends SipMessageBase {
  get kind(): 'request' {
    return 'request';
  }

  private _method: string;
  private _requestUri: string;
  private _uri: Uri | undefined;

  constructor(
    method: string,
    requestUri: string,
    headers: HeaderField[] = [],
    body: Buffer | undefined = EMPTY_BODY,
    version = 'SIP/2.0',
    source?: Buffer,
  ) {
    super(headers, body, version, source);
    this._method = method;
    this._requestUri = requestUri;
    this._uri = undefined;
  }

  get method(): string {
    return this._method;
  }

  set method(method: string) {
    this._method = method;
    this.modified();
  }

  /** Request-URI as written. */
  get requestUri(): string {
    return this._requestUri;
  }

  set requestUri(uri: string) {
    this._requestUri = uri;
    this._uri = undefined;
    this.modified();
  }

  /** Parsed Request-URI (throws SipParseError when malformed). */
  get uri(): Uri {
    return (this._uri ??= parseUri(this._requestUri, 0, this._requestUri.length, 'Request-URI'));
  }

  startLine(): string {
    return `${this._method} ${this._requestUri} ${this._version}`;
  }

  clone(): SipRequest {
    return new SipRequest(
      this._method,
      this._requestUri,
      this.fieldList.slice(),
      this.body,
      this._version,
      this.source,
    );
  }
}

export class SipResponse extends SipMessageBase {
  get kind(): 'response' {
    return 'response';
  }

  private _status: number;
  private _rawReason: string;

  constructor(
    status: number,
    rawReason: string,
    headers: HeaderField[] = [],
    body: Buffer | undefined = EMPTY_BODY,
    version = 'SIP/2.0',
    source?: Buffer,
  ) {
    super(headers, body, version, source);
    this._status = status;
    this._rawReason = rawReason;
  }

  get status(): number {
    return this._status;
  }

  set status(status: number) {
    this._status = status;
    this.modified();
  }

  /** Reason phrase as text (UTF-8 decoded). */
  get reason(): string {
    return decodeUtf8(this._rawReason);
  }

  set reason(text: string) {
    this._rawReason = encodeUtf8(text);
    this.modified();
  }

  /** Reason phrase as the byte string on the wire. */
  get rawReason(): string {
    return this._rawReason;
  }

  startLine(): string {
    return `${this._version} ${this._status} ${this._rawReason}`;
  }

  clone(): SipResponse {
    return new SipResponse(
      this._status,
      this._rawReason,
      this.fieldList.slice(),
      this.body,
      this._version,
      this.source,
    );
  }
}

export type SipMessage = SipRequest | SipResponse;
