// The header list and bytes of a message (RFC 3261 §7): ordered header fields, body, and the
// received bytes of a parsed message. Parsed messages keep their header lines as offsets into
// the decoded header section until the list is asked for or modified; typed accessors are in
// SipMessageBase.
import { listElementEnd, splitList } from '../grammar/scanner.js';
import { FACTS, NO_FACTS } from '../grammar/wasm-facts.js';
import { toByteString } from '../grammar/text.js';
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
import { headerIdOf, HOT_IDS } from '../headers/header-names.js';
import { serializeMessage } from './message-serializer.js';

export const EMPTY_BODY: Buffer = Buffer.alloc(0);

/** Header value input: a byte string, or text with characters above U+00FF (UTF-8 encoded). */
export type HeaderValueInput = string | number;

/** Where firstSpan() points: filled and read at once by the typed accessors (no copy of the value). */
export const SPAN: ValueSpan = { src: '', start: 0, end: 0 };

// Built messages have no parser index; the hot-line table is only read in index mode.
const NO_HOT_LINES: number[] = [];

export abstract class HeaderStore {
  // Header lines: HeaderField objects, or (parsed messages, until the list is asked for or
  // modified) offsets into the decoded header section.
  private _fields: HeaderField[] | undefined;
  private _src: string;
  private _index: HeaderIndex | undefined;
  // The received bytes _src was decoded from (same offsets): the hot accessors scan them.
  protected _bytes: Uint8Array | undefined;
  // First and last index offsets of the hot headers (see HOT_IDS), recorded by the parser.
  private _hot: number[];
  // The generation of the splitter's facts about the hot headers (grammar/wasm-facts.ts).
  private _facts: number;
  protected _body: Buffer | undefined;
  protected _version: string;
  protected _source: Buffer | undefined;
  // Parsed messages slice body and source lazily out of the received bytes.
  private _wire: Buffer | undefined;
  private _wireStart: number;
  private _wireBody: number;
  private _wireEnd: number;

  protected constructor(
    headers: HeaderField[],
    body: Buffer | undefined,
    version: string,
    source: Buffer | undefined,
  ) {
    this._fields = headers;
    this._src = '';
    this._index = undefined;
    this._bytes = undefined;
    this._hot = NO_HOT_LINES;
    this._facts = NO_FACTS;
    this._body = body;
    this._version = version;
    this._source = source;
    this._wire = undefined;
    this._wireStart = 0;
    this._wireBody = 0;
    this._wireEnd = 0;
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
  attachHeaderIndex(
    src: string,
    index: HeaderIndex,
    hot: number[],
    bytes: Uint8Array | undefined,
    facts: number,
  ): this {
    this._src = src;
    this._index = index;
    this._bytes = bytes;
    this._hot = hot;
    this._facts = facts;
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
    // The values after the first are kept up to a stray CR or LF (never a TypeError on received bytes).
    const rest = e >= v.length ? '' : HeaderField.beforeLineBreak(v.slice(e + 1).trim());
    if (rest === '') this.fieldList.splice(i, 1);
    else this.fieldList[i] = HeaderField.create(field.name, rest);
    this.modified();
    return true;
  }

  /** Appends an already-built header field (e.g. copied from another message, bytes kept). */
  appendField(field: HeaderField): this {
    this.fieldList.push(field);
    this.modified();
    return this;
  }

  /** The body decoded as UTF-8 text. */
  get bodyText(): string {
    return this.body.toString('utf8');
  }

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
      const k = this.findFirst(index, id);
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
  protected firstSpan(id: number): boolean {
    const index = this._index;
    if (this._fields === undefined && index !== undefined) {
      const k = this.findFirst(index, id);
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
   * Like firstSpan for a hot header (see HOT_IDS) of a parsed, unmodified message that has
   * exactly one line of it; false otherwise (no line, several lines, a built or modified message).
   */
  protected soleSpan(hotId: number): boolean {
    const index = this._index;
    if (this._fields !== undefined || index === undefined) return false;
    const k = this._hot[hotId]!;
    if (k < 0 || this._hot[HOT_IDS + hotId] !== k) return false;
    indexValueSpan(this._src, index, k, SPAN);
    return true;
  }

  /** Offset in the parser's index of the first line with known id `id`, -1 when none. */
  private findFirst(index: HeaderIndex, id: number): number {
    return id > 0 && id < HOT_IDS ? this._hot[id]! : indexFind(this._src, index, id);
  }

  /**
   * The received bytes behind SPAN when it points into the parsed header text (same offsets);
   * undefined for built or modified messages and unfolded copies of folded lines.
   */
  protected spanBytes(): Uint8Array | undefined {
    return this._fields === undefined && SPAN.src === this._src ? this._bytes : undefined;
  }

  /** The header text while the splitter's facts (grammar/wasm-facts.ts) describe this message. */
  protected factsSource(): string | undefined {
    if (this._facts !== FACTS.generation || this._fields !== undefined) return undefined;
    if (!FACTS.scanned) {
      FACTS.scanned = true;
      FACTS.scan();
    }
    return this._src;
  }

  /** The value of every line with a known id as a span (a fresh object per line). */
  protected lineSpans(id: number): ValueSpan[] {
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

  /** Drops the original bytes after any change (subclasses also drop their parsed values). */
  protected modified(): void {
    this._body = this.body;
    this._wire = undefined;
    this._source = undefined;
  }
}

function matches(h: HeaderField, id: number, lower: string): boolean {
  return id !== 0 ? h.id === id : h.id === 0 && h.name.toLowerCase() === lower;
}
