import { headerIdOf } from './header-names.js';

const FOLD = /\r\n[ \t]+/g;
// Module constants: a regular expression literal in a function body is a new object per call.
const BAD_NAME = /[\r\n:]/;
const LINE_BREAK = /[\r\n]/;

/**
 * One header line as it appears in the message (name as written, value as a latin1 byte
 * string). Parsed fields point into the decoded header section and slice lazily; `raw` keeps
 * the exact original text so unmodified headers re-serialize byte for byte.
 */
export class HeaderField {
  private _name: string | undefined;
  /** Known-header id from HeaderId, 0 when unknown. */
  readonly id: number;
  private _value: string | undefined;
  private _raw: string | undefined;
  private readonly src: string;
  private readonly lineStart: number;
  private readonly valueStart: number;
  private readonly lineEnd: number;
  private readonly folded: boolean;

  private constructor(
    name: string | undefined,
    id: number,
    value: string | undefined,
    src: string,
    lineStart: number,
    valueStart: number,
    lineEnd: number,
    folded: boolean,
  ) {
    this._name = name;
    this.id = id;
    this._value = value;
    this._raw = undefined;
    this.src = src;
    this.lineStart = lineStart;
    this.valueStart = valueStart;
    this.lineEnd = lineEnd;
    this.folded = folded;
  }

  /** A header read from a message: offsets into the decoded header section `src`. */
  static fromSource(
    src: string,
    nameEnd: number,
    id: number,
    lineStart: number,
    valueStart: number,
    lineEnd: number,
    folded: boolean,
  ): HeaderField {
    const field = new HeaderField(undefined, id, undefined, src, lineStart, valueStart, lineEnd, folded);
    field.nameEnd = nameEnd;
    return field;
  }

  private nameEnd = 0;

  /** Name as written on the wire (may be a compact form such as "v"). */
  get name(): string {
    return (this._name ??= this.src.slice(this.lineStart, this.nameEnd));
  }

  /**
   * The part of a received value before a stray CR or LF (trimmed): what can still be copied into
   * a response or a rewritten header line without corrupting its framing (RFC 3261 §7.3.1).
   */
  static beforeLineBreak(value: string): string {
    const cut = value.search(LINE_BREAK);
    return cut < 0 ? value : value.slice(0, cut).trim();
  }

  /** A new header; `value` is a byte string. CR, LF or a colon-less name would corrupt framing. */
  static create(name: string, value: string): HeaderField {
    if (BAD_NAME.test(name) || name.trim() === '')
      throw new TypeError(`invalid header name ${JSON.stringify(name)}`);
    if (LINE_BREAK.test(value)) throw new TypeError(`header value of ${name} must not contain CR or LF`);
    return new HeaderField(name, headerIdOf(name), value, '', 0, 0, 0, false);
  }

  /** The value with line folding replaced by SP (RFC 3261 §7.3.1) and surrounding LWS trimmed. */
  get value(): string {
    return (this._value ??= HeaderField.valueOf(this.src, this.valueStart, this.lineEnd, this.folded));
  }

  /** The value of src[valueStart, lineEnd): folding replaced by SP, surrounding LWS trimmed. */
  static valueOf(src: string, valueStart: number, lineEnd: number, folded: boolean): string {
    let v = src.slice(valueStart, lineEnd);
    if (folded) return v.replace(FOLD, ' ').trim();
    const last = v.charCodeAt(v.length - 1);
    if (last === 32 || last === 9) v = v.trimEnd();
    return v;
  }

  /** The header exactly as written (without the final CRLF); built as "Name: value" for new headers. */
  get raw(): string {
    if (this._raw !== undefined) return this._raw;
    this._raw =
      this.src === '' ? `${this.name}: ${this._value ?? ''}` : this.src.slice(this.lineStart, this.lineEnd);
    return this._raw;
  }

  /** True when the name is `name` in any case or compact form. */
  is(name: string): boolean {
    const id = headerIdOf(name);
    return id !== 0 ? id === this.id : this.id === 0 && this.name.toLowerCase() === name.toLowerCase();
  }
}
