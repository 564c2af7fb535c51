// The message model's typed header accessors (RFC 3261 §20 and the extension RFCs). Headers are
// split eagerly by the parser; structured values are parsed on first access and cached until
// the message is modified. The hot ones (top Via, From, To, CSeq, Contact) are parsed in place
// from the header text.
import { type AuthHeader, parseAuthHeader } from '../headers/auth.js';
import { parseContactList } from '../headers/contact-list.js';
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
import type { HeaderField } from '../headers/header-field.js';
import { canonicalHeaderName, HeaderId } from '../headers/header-names.js';
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
import { parseViaBytes } from '../headers/via-bytes.js';
import { parseNameAddrBytes } from '../headers/name-addr-bytes.js';
import { cseqFromFacts, nameAddrFromFacts, viaFromFacts } from '../headers/hot-facts.js';
import { FACT_CONTACT, FACT_CONTACT_URI, FACT_FROM, FACT_TO } from '../grammar/wasm-facts.js';
import { listElementEnd } from '../grammar/scanner.js';
import { SipParseError } from '../sip-parse-error.js';
import { HeaderStore, SPAN } from './header-store.js';
import type { SipRequest } from './sip-request.js';
import type { SipResponse } from './sip-response.js';

export { EMPTY_BODY, type HeaderValueInput } from './header-store.js';

function missing(name: string): SipParseError {
  return new SipParseError(`Missing ${name} header`, { header: name });
}

export abstract class SipMessageBase extends HeaderStore {
  private _topVia: Via | undefined;
  private _from: NameAddr | undefined;
  private _to: NameAddr | undefined;
  private _cseq: CSeq | undefined;
  private _callId: string | undefined;
  private _contacts: readonly NameAddr[] | '*' | undefined;
  private _cache: Map<string, unknown> | undefined;
  private _derivedKey: DerivedKey<unknown> | undefined;
  private _derived: unknown;

  protected constructor(
    headers: HeaderField[],
    body: Buffer | undefined,
    version: string,
    source: Buffer | undefined,
  ) {
    super(headers, body, version, source);
    this._topVia = undefined;
    this._from = undefined;
    this._to = undefined;
    this._cseq = undefined;
    this._callId = undefined;
    this._contacts = undefined;
    this._cache = undefined;
    this._derivedKey = undefined;
    this._derived = undefined;
  }

  /**
   * A value a layer above derives from this message (the transaction layer's view of it), computed
   * on first use and dropped, like the parsed header values, when the message is modified. One
   * slot: a second key replaces the first. A field rather than a WeakMap in that layer: every
   * message would get an entry, and V8 handles each WeakMap entry as an ephemeron in every GC.
   */
  derived<T>(key: DerivedKey<T>, compute: (message: this) => T): T {
    if (this._derivedKey === key) return this._derived as T;
    const value = compute(this);
    this._derivedKey = key;
    this._derived = value;
    return value;
  }

  // ---- typed accessors of the required headers (throw SipParseError if absent/malformed) ----

  /** All Via values, top first. */
  get via(): readonly Via[] {
    return this.cached('via', () => this.listOf(HeaderId.Via).map((v) => parseVia(v)));
  }

  /** The top Via (only its first value is parsed). */
  get topVia(): Via {
    if (this._topVia !== undefined) return this._topVia;
    const known = this.factsSource();
    const found = known === undefined ? undefined : viaFromFacts(known);
    if (found !== undefined) return (this._topVia = found);
    if (!this.firstSpan(HeaderId.Via)) throw missing('Via');
    const { src, start, end } = SPAN;
    const bytes = this.spanBytes();
    const fast = bytes === undefined ? undefined : parseViaBytes(bytes, src, start, end);
    if (fast !== undefined) return (this._topVia = fast);
    // Native search for a comma first: most Via lines hold one value (once per message, so
    // a search past `end` stays linear).
    const comma = src.indexOf(',', start);
    this._topVia = parseVia(src, start, comma < 0 || comma >= end ? end : listElementEnd(src, start, end));
    return this._topVia;
  }

  get from(): NameAddr {
    if (this._from !== undefined) return this._from;
    const found = this.factsNameAddr(FACT_FROM, undefined, 'From');
    if (found !== undefined) return (this._from = found);
    if (!this.firstSpan(HeaderId.From)) throw missing('From');
    return (this._from = this.spanNameAddr('From'));
  }

  get to(): NameAddr {
    if (this._to !== undefined) return this._to;
    const found = this.factsNameAddr(FACT_TO, undefined, 'To');
    if (found !== undefined) return (this._to = found);
    if (!this.firstSpan(HeaderId.To)) throw missing('To');
    return (this._to = this.spanNameAddr('To'));
  }

  /** The name-addr the splitter's facts describe (see factsSource), undefined when none. */
  private factsNameAddr(slot: number, uriSlot: number | undefined, header: string): NameAddr | undefined {
    const known = this.factsSource();
    return known === undefined ? undefined : nameAddrFromFacts(slot, uriSlot, known, header, this._bytes);
  }

  /** The name-addr SPAN points at: the byte fast path when it applies, else the general parser. */
  private spanNameAddr(header: string): NameAddr {
    const { src, start, end } = SPAN;
    const bytes = this.spanBytes();
    const fast = bytes === undefined ? undefined : parseNameAddrBytes(bytes, src, start, end, header);
    return fast ?? parseNameAddrAt(src, start, end, header);
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
    const known = this.factsSource();
    const found = known === undefined ? undefined : cseqFromFacts(known);
    if (found !== undefined) return (this._cseq = found);
    if (!this.firstSpan(HeaderId.CSeq)) throw missing('CSeq');
    return (this._cseq = parseCSeqAt(SPAN.src, SPAN.start, SPAN.end));
  }

  // ---- typed accessors of optional headers (undefined / empty when absent) ----------------

  /** Contact values, or "*" for the REGISTER wildcard (RFC 3261 §10.2.2); [] when absent. */
  get contacts(): readonly NameAddr[] | '*' {
    if (this._contacts !== undefined) return this._contacts;
    const found = this.factsNameAddr(FACT_CONTACT, FACT_CONTACT_URI, 'Contact');
    if (found !== undefined) return (this._contacts = [found]);
    // One Contact line: the byte fast path gives what parseContactList gives for it (a comma
    // it does not handle makes it bail), so the line list is not needed.
    const bytes = this.soleSpan(HeaderId.Contact) ? this.spanBytes() : undefined;
    const fast =
      bytes === undefined ? undefined : parseNameAddrBytes(bytes, SPAN.src, SPAN.start, SPAN.end, 'Contact');
    return (this._contacts =
      fast !== undefined ? [fast] : parseContactList(this.lineSpans(HeaderId.Contact)));
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
  protected override modified(): void {
    super.modified();
    this._topVia = undefined;
    this._from = undefined;
    this._to = undefined;
    this._cseq = undefined;
    this._callId = undefined;
    this._contacts = undefined;
    this._cache = undefined;
    this._derivedKey = undefined;
    this._derived = undefined;
  }
}

/** Names one kind of value kept by `SipMessageBase.derived` (compared by identity). */
export class DerivedKey<T> {
  /** Only carries T for the type checker. */
  declare private readonly valueType: T;

  constructor(readonly name: string) {}
}

export type SipMessage = SipRequest | SipResponse;
