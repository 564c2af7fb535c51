// WebAssembly text of the hot-header "facts" (src/grammar/wasm-facts.ts), part of the header-line
// splitter's module (header-lines-wat.ts). After a split, `facts` scans the top Via, From, To, a
// sole Contact and its SIP URI, and CSeq with exactly the rules of the JavaScript byte fast paths
// (src/headers/via-bytes.ts, name-addr-bytes.ts, src/uri/sip-uri-bytes.ts and parseCSeqAt's fast
// path) and records where their parts lie, or leaves a slot "not ok" where those would bail. Each
// function below names the one it mirrors; the scanners they call are in scanners-wat.ts.
import { TOKEN } from '../src/grammar/char-classes.js';
import {
  FACT_CONTACT,
  FACT_CONTACT_URI,
  FACT_CSEQ,
  FACT_FROM,
  FACT_SLOT_BYTES,
  FACT_TO,
  FACT_VIA,
  MAX_FACT_PARAMS,
  NAME_ADDR_PARAMS,
  URI_PARAMS,
  VIA_PARAMS,
} from '../src/grammar/wasm-facts.js';
import { HeaderId, HOT_IDS } from '../src/headers/header-names.js';
import { COMMON_TRANSPORTS } from '../src/headers/via.js';
import { HOT_TABLE, INPUT, RECORDS } from '../src/message/header-lines-layout.js';
import { PARAM_CHARS, scanRun, USER_CHARS } from './scanners-wat.js';
import { get, isWsp, le, rel, u8 } from './wat-text.js';

const le32 = (text: string): number => Number(le(text)) | 0;

/** Stores `value` at word `word` of the slot whose byte offset is in $out. */
const put = (word: number, value: string): string =>
  `(i32.store offset=${word * 4} (local.get $out) ${value})`;

/** When `matches`, the transport is `name` (its code in $code) and sent-by starts after its SP. */
function knownTransport(matches: string, name: string): string {
  const code = COMMON_TRANSPORTS.indexOf(name);
  if (code < 0) throw new Error(`hot-facts-wat: ${name} is not a common transport`);
  return `(if ${matches} (then
        (local.set $code (i32.const ${code}))
        (local.set $host (i32.add ${get('pos')} (i32.const ${name.length + 1})))
        (br $known)))`;
}

// parseViaBytes: the first via-parm of [$s, $end) into FACT_VIA.
const VIA = `
  (func $via (param $s i32) (param $end i32)
    (local $out i32) (local $pos i32) (local $word i32) (local $code i32) (local $host i32)
    (local.set $out (i32.const ${FACT_VIA}))
    (if (i32.lt_s (i32.sub ${get('end')} ${get('s')}) (i32.const 12)) (then (return)))
    (if (i64.ne (i64.load ${get('s')}) (i64.const ${le('SIP/2.0/')})) (then (return)))
    (local.set $pos (i32.add ${get('s')} (i32.const 8)))
    (local.set $word (i32.load ${get('pos')}))
    ;; knownTransport: the transport and the SP after it; $host is where sent-by starts
    (block $known
      ${['UDP', 'TCP', 'TLS', 'WSS'].map((t) => knownTransport(`(i32.eq ${get('word')} (i32.const ${le32(`${t} `)}))`, t)).join('\n      ')}
      (if (i32.eq ${u8(get('pos'), 3)} (i32.const 32)) (then (return)))
      ${knownTransport(`(i32.eq (i32.and ${get('word')} (i32.const 0xffffff)) (i32.const ${le32('WS ')}))`, 'WS')}
      (return))
    (if (i32.eqz (call $hostPort ${get('host')} ${get('end')})) (then (return)))
    (local.set $pos (global.get $hpEnd))
    (i32.store offset=${VIA_PARAMS * 4} ${get('out')} (i32.const 0))
    (if (i32.lt_u ${get('pos')} ${get('end')}) (then
      (if (i32.ne ${u8(get('pos'))} (i32.const 44)) (then
        (if (i32.lt_s (call $params ${get('pos')} ${get('end')} (i32.const 1) (i32.add ${get('out')} (i32.const ${VIA_PARAMS * 4})))
              (i32.const 0))
          (then (return)))))))
    ${put(1, get('code'))}
    ${put(2, rel('host'))}
    ${put(3, '(i32.sub (global.get $hostEnd) (i32.const ' + INPUT + '))')}
    ${put(4, '(global.get $port)')}
    ${put(0, '(i32.const 1)')})`;

// trailingParams of name-addr-bytes.ts: nothing, or parameters that reach $end exactly.
const TRAILING = `
  (func $trailing (param $p i32) (param $end i32) (param $out i32) (result i32)
    (i32.store ${get('out')} (i32.const 0))
    (if (i32.eq ${get('p')} ${get('end')}) (then (return (i32.const 1))))
    (i32.eq (call $params ${get('p')} ${get('end')} (i32.const 0) ${get('out')}) ${get('end')}))`;

// parseNameAddrBytes: the name-addr or addr-spec with parameters filling [$s, $end) into $out.
const NAME_ADDR = `
  (func $nameAddr (param $s i32) (param $end i32) (param $out i32)
    (local $pos i32) (local $c i32) (local $t i32) (local $dnS i32) (local $dnE i32)
    (local $first i32) (local $last i32) (local $p i32) (local $gt i32) (local $e i32)
    (if (i32.ge_u ${get('s')} ${get('end')}) (then (return)))
    (local.set $pos ${get('s')})
    (local.set $dnS (i32.const -1))
    (local.set $dnE (i32.const -1))
    (local.set $c ${u8(get('pos'))})
    (if (i32.eq ${get('c')} (i32.const 34))
      (then
        (local.set $p (call $quoted ${get('pos')} ${get('end')}))
        (if (i32.lt_s ${get('p')} (i32.const 0)) (then (return)))
        (local.set $dnS ${rel('pos')})
        (local.set $dnE ${rel('p')})
        (local.set $pos (call $skipSpaces ${get('p')} ${get('end')})))
      (else (if (i32.ne ${get('c')} (i32.const 60)) (then
        (local.set $first ${scanRun(TOKEN, get('pos'), get('end'))})
        (if (i32.eq ${get('first')} ${get('pos')}) (then (return)))
        (if (i32.eq ${u8(get('first'))} (i32.const 58)) (then
          ;; addr-spec: the URI ends at ";"
          (local.set $e ${get('pos')})
          (block $uriEnd (loop $next
            (br_if $uriEnd (i32.ge_u ${get('e')} ${get('end')}))
            (local.set $c ${u8(get('e'))})
            (br_if $uriEnd (i32.eq ${get('c')} (i32.const 59)))
            (if (i32.or (i32.or (i32.eq ${get('c')} (i32.const 32)) (i32.eq ${get('c')} (i32.const 9)))
                  (i32.or (i32.eq ${get('c')} (i32.const 44)) (i32.eq ${get('c')} (i32.const 63))))
              (then (return)))
            (local.set $e (i32.add ${get('e')} (i32.const 1)))
            (br $next)))
          (if (i32.eqz (call $trailing ${get('e')} ${get('end')} (i32.add ${get('out')} (i32.const ${NAME_ADDR_PARAMS * 4}))))
            (then (return)))
          ${put(1, '(i32.const -1)')}
          ${put(2, '(i32.const -1)')}
          ${put(3, rel('pos'))}
          ${put(4, rel('e'))}
          ${put(5, '(i32.const 0)')}
          ${put(0, '(i32.const 1)')}
          (return)))
        ;; display-name = *(token LWS)
        (local.set $last ${get('first')})
        (local.set $p (call $skipSpaces ${get('first')} ${get('end')}))
        (block $words (loop $next
          (local.set $t ${scanRun(TOKEN, get('p'), get('end'))})
          (br_if $words (i32.eq ${get('t')} ${get('p')}))
          (local.set $last ${get('t')})
          (local.set $p (call $skipSpaces ${get('t')} ${get('end')}))
          (br $next)))
        (local.set $dnS ${rel('pos')})
        (local.set $dnE ${rel('last')})
        (local.set $pos ${get('p')})))))
    (if (i32.ne ${u8(get('pos'))} (i32.const 60)) (then (return)))
    (local.set $gt (call $find (i32.add ${get('pos')} (i32.const 1)) ${get('end')} (i32.const 62)))
    (if (i32.ge_u ${get('gt')} ${get('end')}) (then (return)))
    (if (i32.eq ${get('gt')} (i32.add ${get('pos')} (i32.const 1))) (then (return)))
    (if ${isWsp(u8(get('pos'), 1))} (then (return)))
    (if ${isWsp(u8(`(i32.sub ${get('gt')} (i32.const 1))`))} (then (return)))
    (if (i32.eqz (call $trailing (i32.add ${get('gt')} (i32.const 1)) ${get('end')}
          (i32.add ${get('out')} (i32.const ${NAME_ADDR_PARAMS * 4}))))
      (then (return)))
    ${put(1, get('dnS'))}
    ${put(2, get('dnE'))}
    ${put(3, `(i32.sub (i32.add ${get('pos')} (i32.const 1)) (i32.const ${INPUT}))`)}
    ${put(4, rel('gt'))}
    ${put(5, '(i32.const 1)')}
    ${put(0, '(i32.const 1)')})`;

// parseSipUriBytes: the sip: / sips: URI filling [$s, $end) into $out.
const SIP_URI = `
  (func $sipUri (param $s i32) (param $end i32) (param $out i32)
    (local $pos i32) (local $sips i32) (local $at i32) (local $host i32)
    (local $ns i32) (local $ne i32) (local $vs i32) (local $ve i32)
    (if (i32.ne (i32.or ${u8(get('s'))} (i32.const 32)) (i32.const 115)) (then (return)))
    (if (i32.ne (i32.or ${u8(get('s'), 1)} (i32.const 32)) (i32.const 105)) (then (return)))
    (if (i32.ne (i32.or ${u8(get('s'), 2)} (i32.const 32)) (i32.const 112)) (then (return)))
    (if (i32.eq ${u8(get('s'), 3)} (i32.const 58))
      (then (local.set $pos (i32.add ${get('s')} (i32.const 4))))
      (else
        (if (i32.or (i32.ne (i32.or ${u8(get('s'), 3)} (i32.const 32)) (i32.const 115))
              (i32.ne ${u8(get('s'), 4)} (i32.const 58)))
          (then (return)))
        (local.set $sips (i32.const 1))
        (local.set $pos (i32.add ${get('s')} (i32.const 5)))))
    ${put(2, '(i32.const -1)')}
    ${put(3, '(i32.const -1)')}
    (local.set $at (call $find ${get('pos')} ${get('end')} (i32.const 64)))
    (if (i32.lt_u ${get('at')} ${get('end')}) (then
      (if (i32.or (i32.eq ${get('at')} ${get('pos')})
            (i32.ne ${scanRun(USER_CHARS, get('pos'), get('at'))} ${get('at')}))
        (then (return)))
      ${put(2, rel('pos'))}
      ${put(3, rel('at'))}
      (local.set $pos (i32.add ${get('at')} (i32.const 1)))))
    (local.set $host ${get('pos')})
    (if (i32.eqz (call $hostPort ${get('pos')} ${get('end')})) (then (return)))
    (local.set $pos (global.get $hpEnd))
    (i32.store offset=${URI_PARAMS * 4} ${get('out')} (i32.const 0))
    ;; uri-parameters without %-escapes
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('pos')} ${get('end')}))
      (br_if $done (i32.ne ${u8(get('pos'))} (i32.const 59)))
      (local.set $ns (i32.add ${get('pos')} (i32.const 1)))
      (local.set $ne ${scanRun(PARAM_CHARS, get('ns'), get('end'))})
      (if (i32.eq ${get('ne')} ${get('ns')}) (then (return)))
      (local.set $pos ${get('ne')})
      (local.set $vs (i32.const 0))
      (local.set $ve (i32.const -1))
      (if (i32.lt_u ${get('pos')} ${get('end')}) (then
        (if (i32.eq ${u8(get('pos'))} (i32.const 61)) (then
          (local.set $vs (i32.add ${get('pos')} (i32.const 1)))
          (local.set $ve ${scanRun(PARAM_CHARS, get('vs'), get('end'))})
          (if (i32.eq ${get('ve')} ${get('vs')}) (then (return)))
          (local.set $pos ${get('ve')})))))
      (if (i32.lt_u ${get('pos')} ${get('end')}) (then
        (if (i32.eq ${u8(get('pos'))} (i32.const 37)) (then (return)))))
      (if (i32.eqz (call $addParam (i32.add ${get('out')} (i32.const ${URI_PARAMS * 4}))
            ${get('ns')} ${get('ne')} ${get('vs')} ${get('ve')}))
        (then (return)))
      (br $next)))
    (if (i32.ne ${get('pos')} ${get('end')}) (then (return)))
    ${put(1, get('sips'))}
    ${put(4, rel('host'))}
    ${put(5, '(i32.sub (global.get $hostEnd) (i32.const ' + INPUT + '))')}
    ${put(6, '(global.get $port)')}
    ${put(0, '(i32.const 1)')})`;

// parseCSeqAt's fast path: "digits SP method" with at most 10 digits up to 2^32 - 1.
const CSEQ = `
  (func $cseq (param $s i32) (param $end i32)
    (local $out i32) (local $i i32) (local $c i32) (local $seq i64) (local $m i32) (local $e i32)
    (local.set $out (i32.const ${FACT_CSEQ}))
    (local.set $i ${get('s')})
    (block $done (loop $next
      (br_if $done (i32.ge_u ${get('i')} ${get('end')}))
      (br_if $done (i32.ge_u (i32.sub ${get('i')} ${get('s')}) (i32.const 11)))
      (local.set $c (i32.sub ${u8(get('i'))} (i32.const 48)))
      (br_if $done (i32.gt_u ${get('c')} (i32.const 9)))
      (local.set $seq (i64.add (i64.mul ${get('seq')} (i64.const 10)) (i64.extend_i32_u ${get('c')})))
      (local.set $i (i32.add ${get('i')} (i32.const 1)))
      (br $next)))
    (if (i32.or (i32.eq ${get('i')} ${get('s')}) (i32.gt_u (i32.sub ${get('i')} ${get('s')}) (i32.const 10)))
      (then (return)))
    (if (i64.gt_u ${get('seq')} (i64.const 0xffffffff)) (then (return)))
    (if (i32.ge_u ${get('i')} ${get('end')}) (then (return)))
    (if (i32.ne ${u8(get('i'))} (i32.const 32)) (then (return)))
    (local.set $m (i32.add ${get('i')} (i32.const 1)))
    (local.set $e ${scanRun(TOKEN, get('m'), get('end'))})
    (if (i32.or (i32.ne ${get('e')} ${get('end')}) (i32.le_u ${get('e')} ${get('m')})) (then (return)))
    ${put(1, `(i32.wrap_i64 ${get('seq')})`)}
    ${put(2, rel('m'))}
    ${put(3, rel('e'))}
    ${put(0, '(i32.const 1)')})`;

// The value of the line recorded at word offset $k into $vStart/$vEnd as the accessors see it
// (indexValueSpan): 0 for a folded line or one with trailing whitespace (they trim or unfold).
const VALUE_SPAN = `
  (func $valueSpan (param $k i32) (result i32)
    (local $rec i32) (local $e i32) (local $t i32)
    (local.set $rec (i32.add (i32.const ${RECORDS}) (i32.shl ${get('k')} (i32.const 2))))
    (if (i32.load offset=20 ${get('rec')}) (then (return (i32.const 0))))
    (global.set $vStart (i32.add (i32.load offset=12 ${get('rec')}) (i32.const ${INPUT})))
    (local.set $e (i32.add (i32.load offset=16 ${get('rec')}) (i32.const ${INPUT})))
    (global.set $vEnd ${get('e')})
    (if (i32.gt_u ${get('e')} (global.get $vStart)) (then
      (if ${isWsp(u8(`(i32.sub ${get('e')} (i32.const 1))`))} (then (return (i32.const 0))))))
    (i32.const 1))`;

const firstLine = (id: number): string => `(i32.load (i32.const ${HOT_TABLE + id * 4}))`;
const lastLine = (id: number): string => `(i32.load (i32.const ${HOT_TABLE + (HOT_IDS + id) * 4}))`;

/** A name-addr slot and, when it holds and `uriSlot` is given, the SIP URI slot of its URI. */
function nameAddrFacts(slot: number, uriSlot: number | undefined, line: string): string {
  const uri =
    uriSlot === undefined
      ? ''
      : `
        (if (i32.load (i32.const ${slot})) (then
          (call $sipUri
            (i32.add (i32.load (i32.const ${slot + 12})) (i32.const ${INPUT}))
            (i32.add (i32.load (i32.const ${slot + 16})) (i32.const ${INPUT}))
            (i32.const ${uriSlot}))))`;
  return `
    (local.set $k ${line})
    (if (i32.ge_s (local.get $k) (i32.const 0)) (then
      (if (call $valueSpan (local.get $k)) (then
        (call $nameAddr (global.get $vStart) (global.get $vEnd) (i32.const ${slot}))${uri}))))`;
}

const SLOTS = [FACT_VIA, FACT_FROM, FACT_TO, FACT_CONTACT, FACT_CONTACT_URI, FACT_CSEQ];

// Exported: called (through grammar/wasm-facts.ts) when a hot accessor first asks, while the
// records and the hot table of the last split are still in place.
const FACTS = `
  (func $facts (export "facts") (local $k i32)
    ${SLOTS.map((slot) => `(i32.store (i32.const ${slot}) (i32.const 0))`).join('\n    ')}
    (local.set $k ${firstLine(HeaderId.Via)})
    (if (i32.ge_s (local.get $k) (i32.const 0)) (then
      (if (call $valueSpan (local.get $k)) (then (call $via (global.get $vStart) (global.get $vEnd))))))
    ${nameAddrFacts(FACT_FROM, undefined, firstLine(HeaderId.From))}
    ${nameAddrFacts(FACT_TO, undefined, firstLine(HeaderId.To))}
    ;; Contact only when it is the sole Contact line
    ${nameAddrFacts(
      FACT_CONTACT,
      FACT_CONTACT_URI,
      `(select ${firstLine(HeaderId.Contact)} (i32.const -1) (i32.eq ${firstLine(HeaderId.Contact)} ${lastLine(HeaderId.Contact)}))`,
    )}
    (local.set $k ${firstLine(HeaderId.CSeq)})
    (if (i32.ge_s (local.get $k) (i32.const 0)) (then
      (if (call $valueSpan (local.get $k)) (then (call $cseq (global.get $vStart) (global.get $vEnd)))))))`;

/** The functions of the facts pass (`$facts` is the entry). */
export function hotFactsWat(): string {
  if (FACT_SLOT_BYTES < 4 * (URI_PARAMS + 1 + 4 * MAX_FACT_PARAMS))
    throw new Error('hot-facts-wat: slot too small');
  return [VIA, TRAILING, NAME_ADDR, SIP_URI, CSEQ, VALUE_SPAN, FACTS].join('\n');
}
