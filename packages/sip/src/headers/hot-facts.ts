// The hot header values the WebAssembly splitter found (grammar/wasm-facts.ts), built as the byte
// fast paths build them from the same spans. The caller has checked the generation.
import {
  FACT_CSEQ,
  FACTS,
  factsParams,
  NAME_ADDR_PARAMS,
  VIA_PARAMS,
  FACT_VIA,
} from '../grammar/wasm-facts.js';
import type { CSeq } from './cseq.js';
import { NameAddr } from './name-addr.js';
import { COMMON_TRANSPORTS, type Via, ViaValue } from './via.js';

/** The top Via (first via-parm), undefined when not ok. */
export function viaFromFacts(src: string): Via | undefined {
  const w = FACTS.words;
  const o = FACT_VIA >> 2;
  if (w[o] !== 1) return undefined;
  const port = w[o + 4]!;
  return new ViaValue(
    'SIP',
    '2.0',
    COMMON_TRANSPORTS[w[o + 1]!]!,
    src,
    w[o + 2]!,
    w[o + 3]!,
    port < 0 ? undefined : port,
    factsParams(w, o + VIA_PARAMS, src),
  );
}

/**
 * The name-addr of the fact slot at byte offset `slot`, whose URI the splitter described in
 * `uriSlot` (if given); undefined when not ok.
 */
export function nameAddrFromFacts(
  slot: number,
  uriSlot: number | undefined,
  src: string,
  header: string,
  bytes: Uint8Array | undefined,
): NameAddr | undefined {
  const w = FACTS.words;
  const o = slot >> 2;
  if (w[o] !== 1) return undefined;
  const na = NameAddr.fromSpans(
    src,
    w[o + 1]!,
    w[o + 2]!,
    w[o + 3]!,
    w[o + 4]!,
    w[o + 5] === 1,
    factsParams(w, o + NAME_ADDR_PARAMS, src),
    header,
    bytes,
  );
  if (uriSlot !== undefined) na.useUriFacts(uriSlot, FACTS.generation);
  return na;
}

/** CSeq, undefined when not ok. */
export function cseqFromFacts(src: string): CSeq | undefined {
  const w = FACTS.words;
  const o = FACT_CSEQ >> 2;
  if (w[o] !== 1) return undefined;
  return { seq: w[o + 1]! >>> 0, method: src.slice(w[o + 2], w[o + 3]) };
}
