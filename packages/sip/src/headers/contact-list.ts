// The Contact header list (RFC 3261 §20.10): ( "*" / ( contact-param *( COMMA contact-param ) ) ).
// Elements are parsed in place from the header text (no copy of the values).
import { isTrimSpace, listElementEnd } from '../grammar/scanner.js';
import { SipParseError } from '../sip-parse-error.js';
import type { ValueSpan } from './header-index.js';
import { type NameAddr, parseNameAddrAt } from './name-addr.js';

/**
 * The Contact values of every Contact line (`lines`, in order), or "*" (RFC 3261 §10.2.2).
 * Same elements as splitting each value with splitList: a line with a comma is split at
 * top-level commas and each element trimmed; "*" must stand alone (checked before parsing).
 */
export function parseContactList(lines: readonly ValueSpan[]): readonly NameAddr[] | '*' {
  const ranges: Array<string | number> = [];
  let stars = 0;
  // Next comma at or after the current line in its string: searched natively and only again
  // once passed, so many lines cost one pass in total.
  let commaSrc = '';
  let nextComma = -1;
  for (const span of lines) {
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
