// Header values are kept as latin1 byte strings (one char per octet) so that anything read can
// be written back byte for byte; human text (display names, reason phrases) is UTF-8 on the
// wire (RFC 3261 §25.1 TEXT-UTF8) and converted at the edges with these helpers.

const NON_ASCII = /[\u0080-\uffff]/;

/** Byte string (latin1) -> JavaScript string, decoding UTF-8. */
export function decodeUtf8(bytes: string): string {
  return NON_ASCII.test(bytes) ? Buffer.from(bytes, 'latin1').toString('utf8') : bytes;
}

/** JavaScript string -> byte string holding its UTF-8 encoding. */
export function encodeUtf8(text: string): string {
  return NON_ASCII.test(text) ? Buffer.from(text, 'utf8').toString('latin1') : text;
}

/**
 * Accepts a header value given by a caller: a string with code points above 0xFF cannot be a
 * byte string, so it is taken as text and UTF-8 encoded; otherwise it is used as bytes.
 */
export function toByteString(value: string): string {
  for (let i = 0; i < value.length; i++) {
    if (value.charCodeAt(i) > 255) return Buffer.from(value, 'utf8').toString('latin1');
  }
  return value;
}
