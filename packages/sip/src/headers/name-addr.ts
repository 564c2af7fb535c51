// name-addr / addr-spec with header parameters (RFC 3261 §20.10, §20.20, §20.39, §25.1):
//   ( name-addr / addr-spec ) *( SEMI generic-param )
//   name-addr = [ display-name ] LAQUOT addr-spec RAQUOT
import {
  parseTrailingParams,
  quote,
  scanQuoted,
  scanToken,
  skipWs,
  unquote,
  type Params,
} from '../grammar/scanner.js';
import { decodeUtf8, encodeUtf8 } from '../grammar/text.js';
import { headerError } from '../sip-parse-error.js';
import { parseDeltaSeconds } from './scalar-headers.js';
import { parseSipUriBytes } from '../uri/sip-uri-bytes.js';
import { sipUriFromFacts } from '../uri/sip-uri-facts.js';
import { FACTS, NO_FACTS } from '../grammar/wasm-facts.js';
import { formatUri, parseUri, type Uri } from '../uri/uri.js';

export class NameAddr {
  /** True when the URI was enclosed in <>. */
  readonly bracketed: boolean;
  /** Header parameters (names lower-cased, values as written). */
  readonly params: Params;
  private readonly header: string;
  private _uri: Uri | undefined;
  // Display name and URI text are kept as offsets into `src` and sliced on first access, so
  // reading a tag costs no string copies (parse+touch hot path). dnStart < 0: no display name.
  private src: string;
  private dnStart: number;
  private dnEnd: number;
  private uriStart: number;
  private uriEnd: number;
  private _display: string | undefined;
  private _uriText: string | undefined;
  // The received bytes `src` was decoded from (same offsets), for the URI fast path.
  private bytes: Uint8Array | undefined;
  // The splitter's fact slot about the URI and the generation it is valid for (grammar/wasm-facts.ts).
  private uriFacts: number;
  private uriFactsGeneration: number;

  constructor(
    rawDisplayName: string | undefined,
    uriText: string,
    bracketed: boolean,
    params: Params,
    header: string,
  ) {
    this.bracketed = bracketed;
    this.params = params;
    this.header = header;
    this._uri = undefined;
    this.src = uriText;
    this.dnStart = rawDisplayName === undefined ? -1 : 0;
    this.dnEnd = 0;
    this.uriStart = 0;
    this.uriEnd = uriText.length;
    this._display = rawDisplayName;
    this._uriText = uriText;
    this.bytes = undefined;
    this.uriFacts = -1;
    this.uriFactsGeneration = NO_FACTS;
  }

  /**
   * @internal Parser use: display name src[dnStart, dnEnd) (dnStart -1: none), URI
   * src[uriStart, uriEnd); `bytes` when src is the latin1 decoding of them (same offsets).
   */
  static fromSpans(
    src: string,
    dnStart: number,
    dnEnd: number,
    uriStart: number,
    uriEnd: number,
    bracketed: boolean,
    params: Params,
    header: string,
    bytes?: Uint8Array,
  ): NameAddr {
    const na = new NameAddr(undefined, '', bracketed, params, header);
    na.bytes = bytes;
    na.src = src;
    na.dnStart = dnStart;
    na.dnEnd = dnEnd;
    na.uriStart = uriStart;
    na.uriEnd = uriEnd;
    na._uriText = undefined;
    return na;
  }

  /** @internal Parser use: the URI is described by fact slot `slot` while `generation` is current. */
  useUriFacts(slot: number, generation: number): void {
    this.uriFacts = slot;
    this.uriFactsGeneration = generation;
  }

  /** Display name as written (byte string, quotes kept when quoted), undefined when absent. */
  get rawDisplayName(): string | undefined {
    if (this._display === undefined && this.dnStart >= 0)
      this._display = this.src.slice(this.dnStart, this.dnEnd);
    return this._display;
  }

  /** The URI text as written. */
  get uriText(): string {
    return (this._uriText ??= this.src.slice(this.uriStart, this.uriEnd));
  }

  /** The parsed URI (parsed on first access; throws SipParseError when malformed). */
  get uri(): Uri {
    if (this._uri !== undefined) return this._uri;
    if (this.uriFactsGeneration === FACTS.generation) {
      const known = sipUriFromFacts(this.uriFacts, this.src);
      if (known !== undefined) return (this._uri = known);
    }
    const b = this.bytes;
    const fast = b === undefined ? undefined : parseSipUriBytes(b, this.src, this.uriStart, this.uriEnd);
    return (this._uri = fast ?? parseUri(this.src, this.uriStart, this.uriEnd, this.header));
  }

  /** Display name as text: quotes removed, quoted-pairs resolved, UTF-8 decoded. */
  get displayName(): string | undefined {
    const raw = this.rawDisplayName;
    return raw === undefined ? undefined : decodeUtf8(unquote(raw));
  }

  get tag(): string | undefined {
    return this.params.get('tag') ?? undefined;
  }

  /** Contact "expires" parameter (delta-seconds, clamped to 2^32-1), undefined when absent. */
  get expires(): number | undefined {
    const v = this.params.get('expires');
    if (v === undefined) return undefined;
    if (v === null) throw headerError(this.header, 'expires parameter without value');
    return parseDeltaSeconds(v, this.header);
  }

  /** Contact "q" parameter (qvalue, RFC 3261 §20.10), undefined when absent. */
  get q(): number | undefined {
    const v = this.params.get('q');
    if (v === undefined) return undefined;
    if (v === null || !isQValue(v)) throw headerError(this.header, 'bad q value');
    return Number(v);
  }

  toJSON(): Record<string, unknown> {
    const { rawDisplayName, uriText, bracketed, header } = this;
    return { rawDisplayName, uriText, bracketed, params: Object.fromEntries(this.params), header };
  }

  toString(): string {
    const raw = this.rawDisplayName;
    let out = raw !== undefined ? `${raw} <${this.uriText}>` : `<${this.uriText}>`;
    for (const [k, v] of this.params) out += v === null ? `;${k}` : `;${k}=${v}`;
    return out;
  }
}

export interface NameAddrParseOptions {
  /** Route, Record-Route, P-Asserted-Identity...: the URI must be in <> (name-addr only). */
  requireBrackets?: boolean;
  /** P-Asserted-Identity and similar: no header parameters allowed. */
  noParams?: boolean;
}

/** Parses `( name-addr / addr-spec ) *( SEMI generic-param )` filling the whole string. */
export function parseNameAddr(s: string, header: string, options?: NameAddrParseOptions): NameAddr {
  return parseNameAddrAt(s, 0, s.length, header, options);
}

/** Same as parseNameAddr for the value occupying s[start, end) (no copy of the value is made). */
export function parseNameAddrAt(
  s: string,
  start: number,
  end: number,
  header: string,
  options?: NameAddrParseOptions,
): NameAddr {
  let pos = skipWs(s, start, end);
  if (pos >= end) throw headerError(header, 'empty value');
  let dnStart = -1;
  let dnEnd = -1;
  const c = s.charCodeAt(pos);
  if (c === 34) {
    const q = scanQuoted(s, pos, end);
    if (q < 0) throw headerError(header, 'unterminated or malformed quoted display name');
    dnStart = pos;
    dnEnd = q;
    pos = skipWs(s, q, end);
    if (s.charCodeAt(pos) !== 60) throw headerError(header, "expected '<' after display name");
  } else if (c !== 60) {
    const first = scanToken(s, pos, end);
    if (s.charCodeAt(first) === 58 && first > pos) return parseAddrSpec(s, pos, end, header, options);
    const tokensEnd = scanDisplayTokens(s, pos, end);
    const lt = skipWs(s, tokensEnd, end);
    if (tokensEnd === pos || s.charCodeAt(lt) !== 60)
      throw headerError(header, 'invalid display name or URI');
    // RFC 4475 §3.1.1.6: accept a token display name directly followed by "<".
    dnStart = pos;
    dnEnd = tokensEnd;
    pos = lt;
  }
  const gt = s.indexOf('>', pos + 1);
  if (gt < 0 || gt >= end) throw headerError(header, "missing '>'");
  const first = s.charCodeAt(pos + 1);
  const last = s.charCodeAt(gt - 1);
  if (first === 32 || first === 9 || last === 32 || last === 9)
    throw headerError(header, 'whitespace inside <>');
  if (gt === pos + 1) throw headerError(header, 'empty URI');
  const params = parseTrailingParams(s, gt + 1, header, end);
  if (options?.noParams && params.size > 0) throw headerError(header, 'parameters not allowed');
  return NameAddr.fromSpans(s, dnStart, dnEnd, pos + 1, gt, true, params, header);
}

// display-name = *(token LWS): returns the end of the last token.
function scanDisplayTokens(s: string, pos: number, end: number): number {
  let last = pos;
  for (;;) {
    const t = scanToken(s, pos, end);
    if (t === pos) return last;
    last = t;
    pos = skipWs(s, t, end);
  }
}

function parseAddrSpec(
  s: string,
  pos: number,
  end: number,
  header: string,
  options?: NameAddrParseOptions,
): NameAddr {
  if (options?.requireBrackets) throw headerError(header, 'URI must be enclosed in <>');
  let e = pos;
  while (e < end) {
    const c = s.charCodeAt(e);
    if (c === 59 || c === 32 || c === 9 || c === 44) break;
    if (c === 63) throw headerError(header, 'URI with headers must be enclosed in <>');
    e++;
  }
  const params = parseTrailingParams(s, e, header, end);
  if (options?.noParams && params.size > 0) throw headerError(header, 'parameters not allowed');
  return NameAddr.fromSpans(s, -1, -1, pos, e, false, params, header);
}

export interface NameAddrInit {
  /** Display name as text (UTF-8 encoded and quoted on output). */
  displayName?: string;
  uri: Uri | string;
  params?: Record<string, string | null>;
}

/** Formats `"Display" <uri>;param=value` for a new header value (byte string). */
export function formatNameAddr(init: NameAddrInit): string {
  const uri = typeof init.uri === 'string' ? init.uri : formatUri(init.uri);
  let out = init.displayName !== undefined ? `${quote(encodeUtf8(init.displayName))} <${uri}>` : `<${uri}>`;
  for (const [k, v] of Object.entries(init.params ?? {})) out += v === null ? `;${k}` : `;${k}=${v}`;
  return out;
}

// qvalue = ( "0" [ "." 0*3DIGIT ] ) / ( "1" [ "." 0*3("0") ] )
function isQValue(v: string): boolean {
  const n = v.length;
  if (n === 0 || n > 5) return false;
  const lead = v.charCodeAt(0);
  if (lead !== 48 && lead !== 49) return false;
  if (n === 1) return true;
  if (v.charCodeAt(1) !== 46) return false;
  for (let i = 2; i < n; i++) {
    const c = v.charCodeAt(i);
    if (lead === 49 ? c !== 48 : c < 48 || c > 57) return false;
  }
  return true;
}
