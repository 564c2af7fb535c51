// Source of the WebAssembly header-line splitter (WebAssembly text format, built by
// build-header-lines.ts into src/message/header-lines.generated.ts).
//
// It does what splitLinesJs in src/message/header-lines.ts does for the usual message: split the header
// lines (RFC 3261 §7.3.1: a CRLF followed by SP or HTAB continues the line), identify the hot
// headers and read Content-Length, writing the parser's HeaderIndex records. The colon and CR
// searches look at 16 bytes at a time (SIMD), which native String#indexOf calls cannot beat at
// one call per line. Whatever is unusual makes it return -1 and the JavaScript splitter decides
// (and throws the error): a header line starting with whitespace, a line without a colon, an
// empty name, a lone CR or LF, no empty line before the end, a Content-Length that is not 1 to 9 plain
// digits or appears twice, more lines than the record area holds.
import { INDEX_STRIDE } from '../src/headers/header-index.js';
import { canonicalHeaderName, compactHeaderName, HeaderId, HOT_IDS } from '../src/headers/header-names.js';
import { hotFactsWat } from './hot-facts-wat.js';
import { classTableData, SCANNER_GLOBALS, scannersWat } from './scanners-wat.js';
import { isWsp, le, rel, splat } from './wat-text.js';
import {
  CONTENT_LENGTH_SLOT,
  HOT_TABLE,
  INPUT,
  PAGES,
  RECORDS,
  STOP_SLOT,
} from '../src/message/header-lines-layout.js';

const i32Of = (text: string): string => `(i32.const ${Number(le(text))})`;
const i64Of = (text: string): string => `(i64.const ${le(text)})`;

// Lower-cased loads of the name at $pos: OR 0x20 maps A-Z to a-z and keeps "-"; the names
// compared against hold only letters and "-", and no other byte ORs into one of those (CR, the
// only one that would give "-", ends the search before a name is compared).
const LOADS = {
  1: (off: number) => `(i32.or (i32.load8_u offset=${off} (local.get $pos)) (i32.const 0x20))`,
  2: (off: number) => `(i32.or (i32.load16_u offset=${off} (local.get $pos)) (i32.const 0x2020))`,
  4: (off: number) => `(i32.or (i32.load offset=${off} (local.get $pos)) (i32.const 0x20202020))`,
  8: (off: number) => `(i64.or (i64.load offset=${off} (local.get $pos)) (i64.const 0x2020202020202020))`,
};

/** True (i32) when the name at $pos, of the length of `lower`, is `lower` in any case. */
function nameIs(lower: string): string {
  if (!/^[a-z-]+$/.test(lower)) throw new Error(`header-lines-wat: cannot compare ${lower}`);
  const parts: string[] = [];
  for (let off = 0; off < lower.length;) {
    const rest = lower.length - off;
    const size: 1 | 2 | 4 | 8 = rest >= 8 ? 8 : rest >= 4 ? 4 : rest >= 2 ? 2 : 1;
    const chunk = lower.slice(off, off + size);
    const eq =
      size === 8
        ? `(i64.eq ${LOADS[8](off)} ${i64Of(chunk)})`
        : `(i32.eq ${LOADS[size](off)} ${i32Of(chunk)})`;
    parts.push(eq);
    off += size;
  }
  return parts.reduce((all, part) => `(i32.and ${all} ${part})`);
}

/**
 * $q = the first offset >= $q holding CR or LF (or ":" too when `colon`), at most $n. An LF found
 * here is a lone one (the LF of a CRLF is stepped over), which the JavaScript splitter rejects.
 */
function findByte(colon: boolean): string {
  const crlf = `(v128.or (i8x16.eq (local.get $v) ${splat(13)}) (i8x16.eq (local.get $v) ${splat(10)}))`;
  const mask = colon ? `(v128.or ${crlf} (i8x16.eq (local.get $v) ${splat(58)}))` : crlf;
  return `
      (block $found (loop $next16
        (br_if $found (i32.ge_u (local.get $q) (local.get $n)))
        (local.set $v (v128.load (local.get $q)))
        (local.set $m (i8x16.bitmask ${mask}))
        (if (local.get $m) (then
          (local.set $q (i32.add (local.get $q) (i32.ctz (local.get $m))))
          (br $found)))
        (local.set $q (i32.add (local.get $q) (i32.const 16)))
        (br $next16)))
      (if (i32.gt_u (local.get $q) (local.get $n)) (then (local.set $q (local.get $n))))`;
}

/** $id = the hot header id of the name [$pos, $pos + $len), 0 when it is none of them. */
function hotName(): string {
  // The long and compact names of the hot headers (header-names.ts), grouped by length.
  const byLength = new Map<number, Array<[string, number]>>();
  for (let id = 1; id < HOT_IDS; id++) {
    for (const name of [canonicalHeaderName(id), compactHeaderName(id)]) {
      if (name === undefined) continue;
      const lower = name.toLowerCase();
      byLength.set(lower.length, [...(byLength.get(lower.length) ?? []), [lower, id]]);
    }
  }
  const groups = [...byLength].map(
    ([length, names]) => `
        (if (i32.eq (local.get $len) (i32.const ${length})) (then
          ${names.map(([lower, id]) => `(if ${nameIs(lower)} (then (local.set $id (i32.const ${id})) (br $hot)))`).join('\n          ')}
          (br $hot)))`,
  );
  return `
      (block $hot
        (local.set $id (i32.const 0))${groups.join('')})`;
}

// Content-Length (RFC 3261 §20.14) as 1 to 9 plain digits into $cl; anything else bails.
const CONTENT_LENGTH = `
          (if (i32.or (i32.ge_s (local.get $cl) (i32.const 0))
                (i32.or (local.get $folded)
                  (i32.or (i32.ge_u (local.get $vs) (local.get $e))
                    (i32.gt_u (i32.sub (local.get $e) (local.get $vs)) (i32.const 9)))))
            (then (return (i32.const -1))))
          (local.set $cl (i32.const 0))
          (local.set $i (local.get $vs))
          (loop $digit
            (local.set $c (i32.sub (i32.load8_u (local.get $i)) (i32.const 48)))
            (if (i32.gt_u (local.get $c) (i32.const 9)) (then (return (i32.const -1))))
            (local.set $cl (i32.add (i32.mul (local.get $cl) (i32.const 10)) (local.get $c)))
            (br_if $digit (i32.lt_u (local.tee $i (i32.add (local.get $i) (i32.const 1))) (local.get $e))))`;

// nameShape() of header-names.ts: -1 - (min(len, 255) * 128 + (first byte | 32) & 127).
const NAME_SHAPE = `
        (if (i32.gt_u (local.get $len) (i32.const 255)) (then (local.set $len (i32.const 255))))
        (local.set $id (i32.sub (i32.const -1)
          (i32.add (i32.mul (local.get $len) (i32.const 128))
            (i32.and ${LOADS[1](0)} (i32.const 127)))))`;

const RECORD_BYTES = INDEX_STRIDE * 4;

/** The module: `split(pos, n)` splits the lines of the input at [pos, n); see the file comment. */
export function headerLinesWat(): string {
  if (INDEX_STRIDE !== 6 || HOT_IDS !== 9) throw new Error('header-lines-wat: record layout changed');
  return `(module
  (memory (export "memory") ${PAGES})
  ${classTableData()}${SCANNER_GLOBALS}
  ;; Returns the number of header lines (records at ${RECORDS}, hot table at ${HOT_TABLE},
  ;; Content-Length at ${CONTENT_LENGTH_SLOT}, empty-line offset at ${STOP_SLOT}), or -1.
  (func (export "split") (param $pos i32) (param $n i32) (result i32)
    (local $count i32) (local $colon i32) (local $nameEnd i32) (local $vs i32) (local $e i32)
    (local $q i32) (local $m i32) (local $v v128) (local $folded i32) (local $c i32) (local $t i32)
    (local $id i32) (local $rec i32) (local $cl i32) (local $len i32) (local $i i32)
    (local.set $pos (i32.add (local.get $pos) (i32.const ${INPUT})))
    (local.set $n (i32.add (local.get $n) (i32.const ${INPUT})))
    ;; bytes past the end read as 0: neither LF nor whitespace
    (i32.store (local.get $n) (i32.const 0))
    (local.set $cl (i32.const -1))
    (v128.store (i32.const ${HOT_TABLE}) (v128.const i32x4 -1 -1 -1 -1))
    (v128.store (i32.const ${HOT_TABLE + 16}) (v128.const i32x4 -1 -1 -1 -1))
    (v128.store (i32.const ${HOT_TABLE + 32}) (v128.const i32x4 -1 -1 -1 -1))
    (v128.store (i32.const ${HOT_TABLE + 48}) (v128.const i32x4 -1 -1 -1 -1))
    (i64.store (i32.const ${HOT_TABLE + 64}) (i64.const -1))
    (if (i32.lt_u (local.get $pos) (local.get $n)) (then
      (if ${isWsp('(i32.load8_u (local.get $pos))')} (then (return (i32.const -1))))))
    (local.set $rec (i32.const ${RECORDS}))
    (loop $line
      (if (i32.ge_u (local.get $pos) (local.get $n)) (then (return (i32.const -1))))
      (if (i32.eq (i32.load8_u (local.get $pos)) (i32.const 13)) (then
        ;; the empty line ends the header section (RFC 3261 §7)
        (if (i32.ne (i32.load8_u offset=1 (local.get $pos)) (i32.const 10)) (then (return (i32.const -1))))
        (i32.store (i32.const ${CONTENT_LENGTH_SLOT}) (local.get $cl))
        (i32.store (i32.const ${STOP_SLOT}) ${rel('pos')})
        (return (local.get $count))))
      (local.set $q (local.get $pos))
      ${findByte(true)}
      (local.set $colon (local.get $q))
      (if (i32.or (i32.ge_u (local.get $colon) (local.get $n))
            (i32.ne (i32.load8_u (local.get $colon)) (i32.const 58)))
        (then (return (i32.const -1))))
      ;; field-name HCOLON: whitespace before the colon is not part of the name
      (local.set $nameEnd (local.get $colon))
      (block $trimmed (loop $trim
        (br_if $trimmed (i32.le_u (local.get $nameEnd) (local.get $pos)))
        (br_if $trimmed (i32.eqz ${isWsp('(i32.load8_u (i32.sub (local.get $nameEnd) (i32.const 1)))')}))
        (local.set $nameEnd (i32.sub (local.get $nameEnd) (i32.const 1)))
        (br $trim)))
      (if (i32.eq (local.get $nameEnd) (local.get $pos)) (then (return (i32.const -1))))
      (local.set $vs (i32.add (local.get $colon) (i32.const 1)))
      (block $skipped (loop $skip
        (br_if $skipped (i32.ge_u (local.get $vs) (local.get $n)))
        (br_if $skipped (i32.eqz ${isWsp('(i32.load8_u (local.get $vs))')}))
        (local.set $vs (i32.add (local.get $vs) (i32.const 1)))
        (br $skip)))
      ;; the line ends at the first CRLF not followed by whitespace
      (local.set $folded (i32.const 0))
      (local.set $e (local.get $n))
      (local.set $q (i32.add (local.get $colon) (i32.const 1)))
      (block $eol (loop $nextCr
        ${findByte(false)}
        (br_if $eol (i32.ge_u (local.get $q) (local.get $n)))
        ;; a lone LF, or a CR without its LF: the JavaScript splitter names the error
        (if (i32.ne (i32.load8_u (local.get $q)) (i32.const 13)) (then (return (i32.const -1))))
        (if (i32.ne (i32.load8_u offset=1 (local.get $q)) (i32.const 10)) (then (return (i32.const -1))))
        (if (i32.eqz ${isWsp('(i32.load8_u offset=2 (local.get $q))')}) (then
          (local.set $e (local.get $q))
          (br $eol)))
        (local.set $folded (i32.const 1))
        (local.set $q (i32.add (local.get $q) (i32.const 2)))
        (br $nextCr)))
      (if (i32.ge_u (local.get $e) (local.get $n)) (then (return (i32.const -1))))
      (local.set $len (i32.sub (local.get $nameEnd) (local.get $pos)))
      ${hotName()}
      (if (local.get $id) (then
        (local.set $i (i32.mul (local.get $count) (i32.const ${INDEX_STRIDE})))
        (if (i32.lt_s (i32.load offset=${HOT_TABLE} (i32.shl (local.get $id) (i32.const 2))) (i32.const 0))
          (then (i32.store offset=${HOT_TABLE} (i32.shl (local.get $id) (i32.const 2)) (local.get $i))))
        (i32.store offset=${HOT_TABLE + HOT_IDS * 4} (i32.shl (local.get $id) (i32.const 2)) (local.get $i))
        (if (i32.eq (local.get $id) (i32.const ${HeaderId.ContentLength})) (then ${CONTENT_LENGTH})))
      (else ${NAME_SHAPE}))
      (if (i32.ge_u (local.get $rec) (i32.const ${INPUT - RECORD_BYTES})) (then (return (i32.const -1))))
      (i32.store (local.get $rec) (local.get $id))
      (i32.store offset=4 (local.get $rec) ${rel('pos')})
      (i32.store offset=8 (local.get $rec) ${rel('nameEnd')})
      (i32.store offset=12 (local.get $rec) ${rel('vs')})
      (i32.store offset=16 (local.get $rec) ${rel('e')})
      (i32.store offset=20 (local.get $rec) (local.get $folded))
      (local.set $rec (i32.add (local.get $rec) (i32.const ${RECORD_BYTES})))
      (local.set $count (i32.add (local.get $count) (i32.const 1)))
      (local.set $pos (i32.add (local.get $e) (i32.const 2)))
      (br $line))
    (i32.const -1))
${scannersWat()}
${hotFactsWat()})
`;
}
