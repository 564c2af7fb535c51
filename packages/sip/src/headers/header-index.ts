// The header lines of a parsed message as offsets into the decoded header section, six
// numbers per line. The parser fills it; HeaderField objects are only created when the
// message's header list is asked for, so reading a few typed headers allocates nothing per line.
// A line's id is resolved lazily: until then the slot holds the name's shape (a negative
// number, see nameShape), and a lookup only compares the names whose shape matches.
import { HeaderField } from './header-field.js';
import { isTrimSpace } from '../grammar/scanner.js';
import { identifyHeader, shapeMatches } from './header-names.js';

/** Numbers per header line: id (or negative name shape), lineStart, nameEnd, valueStart, lineEnd, folded (0/1). */
export const INDEX_STRIDE = 6;

/** Flat list of header lines (see INDEX_STRIDE). */
export type HeaderIndex = number[];

/** Offset in `index` of the first line with known id `id` at or after offset `from`; -1 when none. */
export function indexFind(src: string, index: HeaderIndex, id: number, from = 0): number {
  for (let k = from; k < index.length; k += INDEX_STRIDE) {
    let h = index[k]!;
    if (h < 0) {
      if (!shapeMatches(h, id)) continue;
      h = index[k] = identifyHeader(src, index[k + 1]!, index[k + 2]!);
    }
    if (h === id) return k;
  }
  return -1;
}

/** The value of the line at offset `k`: unfolded and trimmed, as HeaderField.value gives it. */
export function indexValue(src: string, index: HeaderIndex, k: number): string {
  return HeaderField.valueOf(src, index[k + 3]!, index[k + 4]!, index[k + 5] === 1);
}

/** The HeaderField objects of every line, in wire order. */
export function indexFields(src: string, index: HeaderIndex): HeaderField[] {
  const out: HeaderField[] = new Array<HeaderField>(index.length / INDEX_STRIDE);
  for (let k = 0, j = 0; k < index.length; k += INDEX_STRIDE, j++) {
    let id = index[k]!;
    if (id < 0) id = index[k] = identifyHeader(src, index[k + 1]!, index[k + 2]!);
    out[j] = HeaderField.fromSource(
      src,
      index[k + 2]!,
      id,
      index[k + 1]!,
      index[k + 3]!,
      index[k + 4]!,
      index[k + 5] === 1,
    );
  }
  return out;
}

/** A header value as a range of a string: the parsed text itself or an unfolded copy. */
export interface ValueSpan {
  src: string;
  start: number;
  end: number;
}

/**
 * Points `out` at the value of the line at offset `k` without copying it when the line is not
 * folded: the same characters as indexValue (trailing LWS trimmed exactly as String#trimEnd).
 */
export function indexValueSpan(src: string, index: HeaderIndex, k: number, out: ValueSpan): void {
  if (index[k + 5] === 1) {
    const v = indexValue(src, index, k);
    out.src = v;
    out.start = 0;
    out.end = v.length;
    return;
  }
  const start = index[k + 3]!;
  let end = index[k + 4]!;
  const last = src.charCodeAt(end - 1);
  if (end > start && (last === 32 || last === 9)) {
    while (end > start && isTrimSpace(src.charCodeAt(end - 1))) end--;
  }
  out.src = src;
  out.start = start;
  out.end = end;
}
