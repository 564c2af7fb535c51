// Header-line splitting (RFC 3261 §7.3.1): the JavaScript splitter, which decides every
// unusual case and names every error, and the line scratch and result that it shares with the
// WebAssembly splitter (header-lines-wasm.ts).
import { NO_FACTS } from '../grammar/wasm-facts.js';
import { INDEX_STRIDE, indexValue, type HeaderIndex } from '../headers/header-index.js';
import { HeaderId, HOT_IDS, identifyHeader, isHotShape, nameShape } from '../headers/header-names.js';
import { parseContentLength } from '../headers/scalar-headers.js';
import { SipParseError } from '../sip-parse-error.js';

/**
 * What the last split found besides the lines: how many index numbers (INDEX_STRIDE per line),
 * the offset of the empty line (>= the end when there was none), Content-Length (-1: absent),
 * and the generation of the hot-header facts it left (grammar/wasm-facts.ts; NO_FACTS: none).
 */
export const LINES = { words: 0, stop: 0, contentLength: -1, facts: NO_FACTS };

/**
 * Splits the header lines of head[pos, n) (continuation lines stay part of their header and
 * are unfolded on access) into the line scratch and LINES, and records the hot headers' lines
 * in `hot`. Stops at the empty line or at `n` (LINES.stop >= n). One forward pass; throws
 * SipParseError naming what is wrong.
 */
export function splitLinesJs(head: string, pos: number, n: number, hot: number[], maxHeaders: number): void {
  let out = scratch;
  let count = 0;
  let contentLength = -1;
  if (pos < n && isWsp(head.charCodeAt(pos))) throw new SipParseError('Header line starts with whitespace');
  // The next LF: every LF of the header section must be the LF of a CRLF (RFC 3261 §7.3.1).
  let lf = nextLf(head, pos);
  while (pos < n) {
    if (head.charCodeAt(pos) === 13 && head.charCodeAt(pos + 1) === 10) break; // the empty line
    // The colon and the first CR are found with indexOf (native scans); a CR before the
    // colon means the line has none.
    const colon = head.indexOf(':', pos);
    let cr = head.indexOf('\r', pos);
    if (cr < 0 || cr > n) cr = n;
    if (colon < 0 || colon > cr) throw new SipParseError('Malformed header line (no colon)');
    let nameEnd = colon;
    while (nameEnd > pos && isWsp(head.charCodeAt(nameEnd - 1))) nameEnd--;
    if (nameEnd === pos) throw new SipParseError('Empty header name');
    let i = colon + 1;
    while (i < n && isWsp(head.charCodeAt(i))) i++;
    const valueStart = i;
    let folded = false;
    let e = n;
    while (cr < n) {
      // RFC 3261 §7.3.1, §25.1: lines end with CRLF, and a header value holds no CR or LF outside
      // a CRLF WSP fold. A lone CR or LF would be read as a line end by some peers and not by
      // others (header smuggling), and cannot be copied into a response: 400.
      if (head.charCodeAt(cr + 1) !== 10) throw strayByte(head, pos, nameEnd, 'CR');
      if (lf < cr) throw strayByte(head, pos, nameEnd, 'LF');
      lf = nextLf(head, cr + 2);
      if (!isWsp(head.charCodeAt(cr + 2))) {
        e = cr;
        break;
      }
      folded = true; // CRLF WSP: a continuation line
      cr = head.indexOf('\r', cr + 2);
      if (cr < 0) cr = n;
    }
    if (lf < e) throw strayByte(head, pos, nameEnd, 'LF');
    // The hot headers are identified now (and their lines recorded), others on lookup.
    const shape = nameShape(head, pos, nameEnd);
    const id = isHotShape(shape) ? identifyHeader(head, pos, nameEnd) : shape;
    const k = count;
    if (id > 0 && id < HOT_IDS) {
      if (hot[id]! < 0) hot[id] = k;
      hot[HOT_IDS + id] = k;
    }
    if (k + INDEX_STRIDE > out.length) out = scratch = grown(out);
    out[k] = id;
    out[k + 1] = pos;
    out[k + 2] = nameEnd;
    out[k + 3] = valueStart;
    out[k + 4] = e;
    out[k + 5] = folded ? 1 : 0;
    count += INDEX_STRIDE;
    if (k >= maxHeaders * INDEX_STRIDE) throw new SipParseError('Too many header fields', { status: 513 });
    if (id === HeaderId.ContentLength) {
      if (contentLength >= 0) {
        throw new SipParseError('Multiple Content-Length headers', { header: 'Content-Length' });
      }
      contentLength = parseContentLength(indexValue(head, out, k));
    }
    pos = e + 2;
  }
  LINES.words = count;
  LINES.stop = pos;
  LINES.contentLength = contentLength;
  LINES.facts = NO_FACTS;
}

// Lines are collected in one reused array and copied out at their exact size: one allocation
// per message instead of push's growth steps (a profile showed ~4% of parse+touch growing
// arrays). The splitters call nothing that could re-enter them.
let scratch: number[] = zeros(INDEX_STRIDE * 64);

/** The line scratch with room for `words` numbers (both splitters fill it). */
export function lineScratch(words: number): number[] {
  while (scratch.length < words) scratch = grown(scratch);
  return scratch;
}

/** The lines the last split found, copied out of the scratch at their size (packed elements). */
export function takeLines(): HeaderIndex {
  return scratch.slice(0, LINES.words);
}

function grown(a: number[]): number[] {
  const b = zeros(a.length * 2);
  for (let i = 0; i < a.length; i++) b[i] = a[i]!;
  return b;
}

// Filled by push so that V8 keeps the elements packed (`new Array(n)` would make them holey,
// and so would every slice copied from it).
function zeros(n: number): number[] {
  const a: number[] = [];
  for (let i = 0; i < n; i++) a.push(0);
  return a;
}

/** A hot-line table with no line: 2 * HOT_IDS slots (a literal: one allocation, packed elements). */
export function noHotLines(): number[] {
  return [-1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1, -1];
}

function nextLf(head: string, from: number): number {
  const i = head.indexOf('\n', from);
  return i < 0 ? Number.MAX_SAFE_INTEGER : i;
}

function strayByte(head: string, pos: number, nameEnd: number, what: 'CR' | 'LF'): SipParseError {
  const name = head.slice(pos, nameEnd);
  // Only a printable token goes into the reason phrase.
  const header = /^[!-~]{1,64}$/.test(name) && !name.includes(':') ? name : undefined;
  return new SipParseError(
    `Lone ${what} in ${header === undefined ? 'a header line' : `the ${header} header`}`,
    header === undefined ? {} : { header },
  );
}

function isWsp(c: number): boolean {
  return c === 32 || c === 9;
}
