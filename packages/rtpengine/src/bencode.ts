/**
 * Bencode, the encoding of rtpengine's ng protocol (BitTorrent BEP 3 "bencoding"): integers
 * `i42e`, byte strings `<length>:<bytes>`, lists `l…e` and dictionaries `d…e` with byte-string
 * keys in sorted order. Byte strings are read and written as UTF-8 text here: every ng value
 * (SDP, tags, flags) is text.
 */
export type BencodeValue = string | number | readonly BencodeValue[] | BencodeDict;
export interface BencodeDict {
  readonly [key: string]: BencodeValue | undefined;
}

/** Input that is not bencode, with the byte offset where reading stopped. */
export class BencodeError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(`bencode: ${message} at byte ${offset}`);
    this.name = 'BencodeError';
  }
}

/** Nesting deeper than this is refused: ng messages are two or three levels deep. */
const MAX_DEPTH = 32;

const I = 0x69; // i
const L = 0x6c; // l
const D = 0x64; // d
const E = 0x65; // e
const COLON = 0x3a;
const ZERO = 0x30;
const NINE = 0x39;

/** Encodes a value; dictionary entries whose value is undefined are left out. */
export function encodeBencode(value: BencodeValue): Buffer {
  const parts: string[] = [];
  write(value, parts, 0);
  return Buffer.from(parts.join(''), 'utf8');
}

function write(value: BencodeValue, out: string[], depth: number): void {
  if (depth > MAX_DEPTH) throw new RangeError('bencode: value nested too deeply');
  if (typeof value === 'string') {
    out.push(String(Buffer.byteLength(value, 'utf8')), ':', value);
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value)) throw new RangeError(`bencode: ${value} is not an integer`);
    out.push('i', String(value), 'e');
  } else if (isList(value)) {
    out.push('l');
    for (const item of value) write(item, out, depth + 1);
    out.push('e');
  } else {
    out.push('d');
    // BEP 3: keys sorted as raw byte strings; for UTF-8 text this is the code point order.
    const keys = Object.keys(value).sort(compareBytes);
    for (const key of keys) {
      const item = value[key];
      if (item === undefined) continue;
      out.push(String(Buffer.byteLength(key, 'utf8')), ':', key);
      write(item, out, depth + 1);
    }
    out.push('e');
  }
}

function isList(value: BencodeValue): value is readonly BencodeValue[] {
  return Array.isArray(value);
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

function compareBytes(a: string, b: string): number {
  // ASCII keys (all of ng's) compare the same as UTF-16 strings; others by their UTF-8 bytes.
  if (isAscii(a) && isAscii(b)) return a < b ? -1 : a > b ? 1 : 0;
  return Buffer.compare(Buffer.from(a, 'utf8'), Buffer.from(b, 'utf8'));
}

/** Decodes exactly one value filling `bytes` from `start`; anything else is a BencodeError. */
export function decodeBencode(bytes: Buffer, start = 0): BencodeValue {
  const reader = new Reader(bytes, start);
  const value = reader.value(0);
  if (reader.pos !== bytes.length) throw new BencodeError('trailing data after the value', reader.pos);
  return value;
}

class Reader {
  constructor(
    private readonly bytes: Buffer,
    public pos: number,
  ) {}

  value(depth: number): BencodeValue {
    if (depth > MAX_DEPTH) throw new BencodeError('nested too deeply', this.pos);
    const c = this.peek();
    if (c === I) return this.integer();
    if (c === L) return this.list(depth);
    if (c === D) return this.dict(depth);
    if (c >= ZERO && c <= NINE) return this.string();
    throw new BencodeError(`unexpected '${String.fromCharCode(c)}'`, this.pos);
  }

  private peek(): number {
    const c = this.bytes[this.pos];
    if (c === undefined) throw new BencodeError('unexpected end of input', this.pos);
    return c;
  }

  private integer(): number {
    this.pos++; // 'i'
    const end = this.bytes.indexOf(E, this.pos);
    if (end < 0) throw new BencodeError('unterminated integer', this.pos);
    const text = this.bytes.toString('latin1', this.pos, end);
    // BEP 3: no leading zeros, no "-0", at least one digit.
    if (!/^(0|-?[1-9][0-9]*)$/.test(text)) throw new BencodeError(`bad integer '${text}'`, this.pos);
    const n = Number(text);
    if (!Number.isSafeInteger(n)) throw new BencodeError(`integer ${text} out of range`, this.pos);
    this.pos = end + 1;
    return n;
  }

  private string(): string {
    let length = 0;
    const from = this.pos;
    for (;;) {
      const c = this.peek();
      if (c === COLON) break;
      // A length has no leading zero ("0:" is the empty string, "05:" is refused).
      if (c < ZERO || c > NINE || (this.pos > from && length === 0)) {
        throw new BencodeError('bad string length', this.pos);
      }
      length = length * 10 + (c - ZERO);
      if (length > this.bytes.length) throw new BencodeError('string longer than the input', from);
      this.pos++;
    }
    this.pos++; // ':'
    const end = this.pos + length;
    if (end > this.bytes.length) throw new BencodeError('string runs past the end of input', from);
    const text = this.bytes.toString('utf8', this.pos, end);
    this.pos = end;
    return text;
  }

  private list(depth: number): BencodeValue[] {
    this.pos++; // 'l'
    const items: BencodeValue[] = [];
    while (this.peek() !== E) items.push(this.value(depth + 1));
    this.pos++;
    return items;
  }

  private dict(depth: number): BencodeDict {
    this.pos++; // 'd'
    const entries: Record<string, BencodeValue> = Object.create(null) as Record<string, BencodeValue>;
    while (this.peek() !== E) {
      const c = this.peek();
      if (c < ZERO || c > NINE) throw new BencodeError('dictionary key is not a string', this.pos);
      const key = this.string();
      entries[key] = this.value(depth + 1);
    }
    this.pos++;
    return entries;
  }
}
