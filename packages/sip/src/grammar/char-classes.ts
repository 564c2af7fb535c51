// Character classes of the RFC 3261 §25.1 grammar as bit flags in one 256-entry table,
// so every scanner is a table lookup per octet (values are latin1 byte strings).

export const TOKEN = 1; // alphanum / "-" / "." / "!" / "%" / "*" / "_" / "+" / "`" / "'" / "~"
export const UNRESERVED = 2; // alphanum / mark
export const USER_UNRESERVED = 4; // "&" / "=" / "+" / "$" / "," / ";" / "?" / "/"
export const PARAM_UNRESERVED = 8; // "[" / "]" / "/" / ":" / "&" / "+" / "$"
export const HNV_UNRESERVED = 16; // "[" / "]" / "/" / "?" / ":" / "+" / "$"
export const PASSWORD_EXTRA = 32; // "&" / "=" / "+" / "$" / ","
export const WORD = 64; // token chars plus ( ) < > : \ " / [ ] ? { }
export const HOST = 128; // alphanum / "-" / "." (hostname and IPv4)

const table = new Uint8Array(256);

function mark(chars: string, flag: number): void {
  for (let i = 0; i < chars.length; i++) table[chars.charCodeAt(i)]! |= flag;
}

const ALNUM = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
mark(ALNUM, TOKEN | UNRESERVED | WORD | HOST);
mark("-.!%*_+`'~", TOKEN | WORD);
mark("-_.!~*'()", UNRESERVED);
mark('&=+$,;?/', USER_UNRESERVED);
mark('[]/:&+$', PARAM_UNRESERVED);
mark('[]/?:+$', HNV_UNRESERVED);
mark('&=+$,', PASSWORD_EXTRA);
mark('()<>:\\"/[]?{}', WORD);
mark('-.', HOST);

export const CHAR_CLASS: Readonly<Uint8Array> = table;

export function isToken(c: number): boolean {
  return c < 256 && (table[c]! & TOKEN) !== 0;
}

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

export function isAlpha(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

export function isHexDigit(c: number): boolean {
  return (c >= 48 && c <= 57) || (c >= 65 && c <= 70) || (c >= 97 && c <= 102);
}

export function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}
