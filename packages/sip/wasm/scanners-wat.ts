// WebAssembly text of the byte scanners the hot-header facts are built from (hot-facts-wat.ts),
// each the counterpart of a function of src/grammar/byte-scanners.ts with the same rules.
import {
  CHAR_CLASS,
  HOST,
  PARAM_UNRESERVED,
  TOKEN,
  UNRESERVED,
  USER_UNRESERVED,
} from '../src/grammar/char-classes.js';
import { MAX_FACT_PARAMS } from '../src/grammar/wasm-facts.js';
import { CLASS_TABLE } from '../src/message/header-lines-layout.js';
import { get, isWsp, rel, splat, u8 } from './wat-text.js';

/** The 256-byte character-class table (char-classes.ts) as a data segment. */
export function classTableData(): string {
  let text = '';
  for (let c = 0; c < 256; c++) text += `\\${CHAR_CLASS[c]!.toString(16).padStart(2, '0')}`;
  return `(data (i32.const ${CLASS_TABLE}) "${text}")`;
}

/** Multiple results of the scanners ($hostPort) and of $valueSpan in hot-facts-wat.ts. */
export const SCANNER_GLOBALS = `
  (global $hostEnd (mut i32) (i32.const 0))
  (global $port (mut i32) (i32.const 0))
  (global $hpEnd (mut i32) (i32.const 0))
  (global $vStart (mut i32) (i32.const 0))
  (global $vEnd (mut i32) (i32.const 0))`;

/** The classes the facts scan runs of (TOKEN, and the SIP URI's user and parameter characters). */
export const USER_CHARS = UNRESERVED | USER_UNRESERVED;
export const PARAM_CHARS = UNRESERVED | PARAM_UNRESERVED;
const RUN_CLASSES = [TOKEN, USER_CHARS, PARAM_CHARS];

/** A call of the scanner of the run of bytes of class `mask` from `p`, below `end`. */
export function scanRun(mask: number, p: string, end: string): string {
  if (!RUN_CLASSES.includes(mask)) throw new Error(`scanners-wat: no scanner for class ${mask}`);
  return `(call $scan${mask} ${p} ${end})`;
}

/**
 * Nibble tables of a class of printable ASCII characters: a byte is in the class when
 * LO[byte & 15] & HI[byte >> 4] is not 0 (HI gives rows 0x20-0x7f a bit each).
 */
function nibbleTables(mask: number): { lo: number[]; hi: number[] } {
  const lo = Array<number>(16).fill(0);
  const hi = Array<number>(16).fill(0);
  for (let row = 2; row < 8; row++) hi[row] = 1 << (row - 2);
  for (let c = 0; c < 256; c++) {
    if ((CHAR_CLASS[c]! & mask) === 0) continue;
    if (c < 0x20 || c > 0x7f) throw new Error(`scanners-wat: class ${mask} holds byte ${c}`);
    lo[c & 15]! |= hi[c >> 4]!;
  }
  return { lo, hi };
}

// scanTokenBytes and its kin (scanClassBytes of sip-uri-bytes.ts): 16 bytes at a time, the class
// looked up with two nibble tables (i8x16.swizzle); bytes read past $end do not count.
function runScanner(mask: number): string {
  const { lo, hi } = nibbleTables(mask);
  return `
  (func $scan${mask} (param $p i32) (param $end i32) (result i32) (local $v v128) (local $m i32)
    (if (i32.ge_u ${get('p')} ${get('end')}) (then (return ${get('p')})))
    (block $done (loop $next
      (local.set $v (v128.load ${get('p')}))
      (local.set $m (i8x16.bitmask (i8x16.eq
        (v128.and
          (i8x16.swizzle (v128.const i8x16 ${lo.join(' ')}) (v128.and ${get('v')} ${splat(15)}))
          (i8x16.swizzle (v128.const i8x16 ${hi.join(' ')}) (i8x16.shr_u ${get('v')} (i32.const 4))))
        (v128.const i32x4 0 0 0 0))))
      (if ${get('m')} (then
        (local.set $p (i32.add ${get('p')} (i32.ctz ${get('m')})))
        (br $done)))
      (local.set $p (i32.add ${get('p')} (i32.const 16)))
      (br_if $next (i32.lt_u ${get('p')} ${get('end')}))))
    (select ${get('end')} ${get('p')} (i32.gt_u ${get('p')} ${get('end')})))`;
}

const SCAN = `${RUN_CLASSES.map(runScanner).join('\n')}

  ;; the first $byte at or after $p, else $end (String#indexOf within a value)
  (func $find (param $p i32) (param $end i32) (param $byte i32) (result i32) (local $m i32)
    (if (i32.ge_u ${get('p')} ${get('end')}) (then (return ${get('end')})))
    (block $done (loop $next
      (local.set $m (i8x16.bitmask (i8x16.eq (v128.load ${get('p')}) (i8x16.splat ${get('byte')}))))
      (if ${get('m')} (then
        (local.set $p (i32.add ${get('p')} (i32.ctz ${get('m')})))
        (br $done)))
      (local.set $p (i32.add ${get('p')} (i32.const 16)))
      (br_if $next (i32.lt_u ${get('p')} ${get('end')}))))
    (select ${get('end')} ${get('p')} (i32.gt_u ${get('p')} ${get('end')})))

  (func $skipSpaces (param $p i32) (param $end i32) (result i32) (local $t i32)
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('p')} ${get('end')}))
      (br_if $done (i32.eqz ${isWsp(u8(get('p')))}))
      (local.set $p (i32.add ${get('p')} (i32.const 1)))
      (br $next)))
    ${get('p')})

  ;; scanPlainQuotedBytes: the index after the closing quote of the quoted-string at $p, or -1
  (func $quoted (param $p i32) (param $end i32) (result i32) (local $c i32)
    (local.set $p (i32.add ${get('p')} (i32.const 1)))
    (block $bail (loop $next
      (br_if $bail (i32.ge_u ${get('p')} ${get('end')}))
      (local.set $c ${u8(get('p'))})
      (if (i32.eq ${get('c')} (i32.const 34)) (then (return (i32.add ${get('p')} (i32.const 1)))))
      (br_if $bail (i32.or (i32.eq ${get('c')} (i32.const 92))
        (i32.or (i32.eq ${get('c')} (i32.const 127))
          (i32.and (i32.lt_u ${get('c')} (i32.const 32)) (i32.ne ${get('c')} (i32.const 9))))))
      (local.set $p (i32.add ${get('p')} (i32.const 1)))
      (br $next)))
    (i32.const -1))`;

// scanHostPortBytes (with scanHostBytes): 1 and $hostEnd, $port (-1: none), $hpEnd; 0 to bail.
const HOST_PORT = `
  (func $hostPort (param $p i32) (param $end i32) (result i32)
    (local $i i32) (local $prev i32) (local $c i32) (local $n i32)
    (local.set $i ${get('p')})
    (local.set $prev (i32.const 46))
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('i')} ${get('end')}))
      (local.set $c ${u8(get('i'))})
      (br_if $done (i32.eqz (i32.and (i32.load8_u offset=${CLASS_TABLE} ${get('c')}) (i32.const ${HOST}))))
      (if (i32.or (i32.eq ${get('c')} (i32.const 46)) (i32.eq ${get('c')} (i32.const 45))) (then
        (if (i32.or (i32.eq ${get('prev')} (i32.const 46))
              (i32.and (i32.eq ${get('c')} (i32.const 46)) (i32.eq ${get('prev')} (i32.const 45))))
          (then (return (i32.const 0))))))
      (local.set $prev ${get('c')})
      (local.set $i (i32.add ${get('i')} (i32.const 1)))
      (br $next)))
    (if (i32.eq ${get('i')} ${get('p')}) (then (return (i32.const 0))))
    (global.set $hostEnd ${get('i')})
    (global.set $port (i32.const -1))
    (global.set $hpEnd ${get('i')})
    (if (i32.ge_u ${get('i')} ${get('end')}) (then (return (i32.const 1))))
    (if (i32.ne ${u8(get('i'))} (i32.const 58)) (then (return (i32.const 1))))
    (local.set $p (i32.add ${get('i')} (i32.const 1)))
    (local.set $i ${get('p')})
    (local.set $n (i32.const 0))
    (block $done (loop $digit
      (br_if $done (i32.ge_u ${get('i')} ${get('end')}))
      (local.set $c (i32.sub ${u8(get('i'))} (i32.const 48)))
      (br_if $done (i32.gt_u ${get('c')} (i32.const 9)))
      ;; a sixth digit: bail (the port is 1 to 5 digits)
      (if (i32.ge_u (i32.sub ${get('i')} ${get('p')}) (i32.const 5)) (then (return (i32.const 0))))
      (local.set $n (i32.add (i32.mul ${get('n')} (i32.const 10)) ${get('c')}))
      (local.set $i (i32.add ${get('i')} (i32.const 1)))
      (br $digit)))
    (if (i32.eq ${get('i')} ${get('p')}) (then (return (i32.const 0))))
    (if (i32.gt_u ${get('n')} (i32.const 65535)) (then (return (i32.const 0))))
    (global.set $port ${get('n')})
    (global.set $hpEnd ${get('i')})
    (i32.const 1))`;

// One recorded parameter: the count at word `at` of $out, the spans after it; 0 when full.
const ADD_PARAM = `
  (func $addParam (param $out i32) (param $ns i32) (param $ne i32) (param $vs i32) (param $ve i32) (result i32)
    (local $n i32) (local $at i32)
    (local.set $n (i32.load ${get('out')}))
    (if (i32.ge_u ${get('n')} (i32.const ${MAX_FACT_PARAMS})) (then (return (i32.const 0))))
    (local.set $at (i32.add ${get('out')} (i32.add (i32.const 4) (i32.shl ${get('n')} (i32.const 4)))))
    (i32.store ${get('out')} (i32.add ${get('n')} (i32.const 1)))
    (i32.store offset=0 ${get('at')} ${rel('ns')})
    (i32.store offset=4 ${get('at')} ${rel('ne')})
    (if (i32.lt_s ${get('ve')} (i32.const 0))
      (then
        (i32.store offset=8 ${get('at')} (i32.const 0))
        (i32.store offset=12 ${get('at')} (i32.const -1)))
      (else
        (i32.store offset=8 ${get('at')} ${rel('vs')})
        (i32.store offset=12 ${get('at')} ${rel('ve')})))
    (i32.const 1))`;

// scanParamsBytes: token parameters from $p into the block at $out; the stop, or -1 to bail.
const PARAMS = `
  (func $params (param $p i32) (param $end i32) (param $comma i32) (param $out i32) (result i32)
    (local $c i32) (local $ns i32) (local $ne i32) (local $vs i32) (local $ve i32)
    (i32.store ${get('out')} (i32.const 0))
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('p')} ${get('end')}))
      (local.set $c ${u8(get('p'))})
      (if (i32.ne ${get('c')} (i32.const 59)) (then
        (if (i32.and (i32.eq ${get('c')} (i32.const 44)) ${get('comma')}) (then (return ${get('p')})))
        (return (i32.const -1))))
      (local.set $ns (i32.add ${get('p')} (i32.const 1)))
      (local.set $ne ${scanRun(TOKEN, get('ns'), get('end'))})
      (if (i32.eq ${get('ne')} ${get('ns')}) (then (return (i32.const -1))))
      (local.set $vs (i32.const 0))
      (local.set $ve (i32.const -1))
      (local.set $p ${get('ne')})
      (if (i32.lt_u ${get('p')} ${get('end')}) (then
        (if (i32.eq ${u8(get('p'))} (i32.const 61)) (then
          (local.set $vs (i32.add ${get('p')} (i32.const 1)))
          ;; gen-value = token / host / quoted-string (kept with its quotes)
          (local.set $ve ${scanRun(TOKEN, get('vs'), get('end'))})
          (if (i32.lt_u ${get('vs')} ${get('end')}) (then
            (if (i32.eq ${u8(get('vs'))} (i32.const 34)) (then
              (local.set $ve (call $quoted ${get('vs')} ${get('end')}))))))
          (if (i32.or (i32.eq ${get('ve')} ${get('vs')}) (i32.lt_s ${get('ve')} (i32.const 0)))
            (then (return (i32.const -1))))
          (local.set $p ${get('ve')})))))
      (if (i32.eqz (call $addParam ${get('out')} ${get('ns')} ${get('ne')} ${get('vs')} ${get('ve')}))
        (then (return (i32.const -1))))
      (br $next)))
    ${get('p')})`;

/** The scanner functions: $scan<class>, $find, $skipSpaces, $quoted, $hostPort, $addParam, $params. */
export function scannersWat(): string {
  return [SCAN, HOST_PORT, ADD_PARAM, PARAMS].join('\n');
}
