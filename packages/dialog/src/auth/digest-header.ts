import { DigestParseError } from './digest-errors.js';

/** A parsed `Digest ...` value of WWW-/Proxy-Authenticate or (Proxy-)Authorization. */
export interface AuthParams {
  /** The scheme as written (compare case-insensitively). */
  scheme: string;
  /** Parameter names lower-cased; quoted values unescaped. */
  params: Map<string, string>;
}

const MAX_VALUE_LENGTH = 8192;

function isTokenChar(c: number): boolean {
  // RFC 3261 §25.1 token: alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x2d ||
    c === 0x2e ||
    c === 0x21 ||
    c === 0x25 ||
    c === 0x2a ||
    c === 0x5f ||
    c === 0x2b ||
    c === 0x60 ||
    c === 0x27 ||
    c === 0x7e
  );
}

function isSpace(c: number): boolean {
  return c === 0x20 || c === 0x09 || c === 0x0d || c === 0x0a;
}

/** Single-pass scanner over an auth header value (linear time, no regular expressions). */
class AuthScanner {
  pos = 0;
  constructor(readonly input: string) {}

  fail(reason: string): never {
    throw new DigestParseError(`${reason} at offset ${this.pos}`, this.input);
  }

  skipSpace(): void {
    while (this.pos < this.input.length && isSpace(this.input.charCodeAt(this.pos))) this.pos++;
  }

  atEnd(): boolean {
    return this.pos >= this.input.length;
  }

  peek(): number {
    return this.input.charCodeAt(this.pos);
  }

  token(what: string): string {
    const start = this.pos;
    while (this.pos < this.input.length && isTokenChar(this.input.charCodeAt(this.pos))) this.pos++;
    if (this.pos === start) this.fail(`expected ${what}`);
    return this.input.slice(start, this.pos);
  }

  /** Unquoted value: a token, leniently also other visible characters except "," (some phones send uri unquoted). */
  bareValue(): string {
    const start = this.pos;
    while (this.pos < this.input.length) {
      const c = this.input.charCodeAt(this.pos);
      if (c === 0x2c || isSpace(c) || c === 0x22 || c < 0x21 || c === 0x7f) break;
      this.pos++;
    }
    if (this.pos === start) this.fail('expected a parameter value');
    return this.input.slice(start, this.pos);
  }

  quoted(): string {
    this.pos++; // opening quote
    let out = '';
    let chunkStart = this.pos;
    while (this.pos < this.input.length) {
      const c = this.input.charCodeAt(this.pos);
      if (c === 0x22) {
        out += this.input.slice(chunkStart, this.pos);
        this.pos++;
        return out;
      }
      if (c === 0x5c) {
        out += this.input.slice(chunkStart, this.pos);
        if (this.pos + 1 >= this.input.length) break;
        out += this.input[this.pos + 1];
        this.pos += 2;
        chunkStart = this.pos;
        continue;
      }
      this.pos++;
    }
    return this.fail('unterminated quoted string');
  }
}

/** Parses `scheme param=value, param="quoted", ...` (RFC 3261 §25.1 challenge / credentials). */
export function parseAuthParams(value: string): AuthParams {
  if (value.length > MAX_VALUE_LENGTH) throw new DigestParseError('value too long', value.slice(0, 64));
  const s = new AuthScanner(value);
  s.skipSpace();
  const scheme = s.token('an auth scheme');
  const params = new Map<string, string>();
  s.skipSpace();
  if (s.atEnd()) s.fail('no auth parameters');
  for (;;) {
    const name = s.token('a parameter name').toLowerCase();
    s.skipSpace();
    if (s.peek() !== 0x3d) s.fail(`expected "=" after ${name}`);
    s.pos++;
    s.skipSpace();
    const v = s.peek() === 0x22 ? s.quoted() : s.bareValue();
    if (params.has(name)) s.fail(`duplicate parameter ${name}`);
    params.set(name, v);
    s.skipSpace();
    if (s.atEnd()) break;
    if (s.peek() !== 0x2c) s.fail('expected ","');
    s.pos++;
    s.skipSpace();
    if (s.atEnd()) s.fail('trailing ","');
  }
  return { scheme, params };
}

/** Quotes a value for a quoted-string, escaping `"` and `\` (RFC 3261 §25.1 quoted-pair). */
export function quoteValue(v: string): string {
  let out = '"';
  for (const ch of v) out += ch === '"' || ch === '\\' ? `\\${ch}` : ch;
  return `${out}"`;
}

/** Serialises `scheme name=value, ...`; values listed in `quoted` are quoted, the others written as tokens. */
export function formatAuthParams(
  scheme: string,
  entries: readonly (readonly [string, string, 'quoted' | 'token'])[],
): string {
  return `${scheme} ${entries.map(([n, v, kind]) => `${n}=${kind === 'quoted' ? quoteValue(v) : v}`).join(', ')}`;
}
