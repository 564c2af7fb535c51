// What the WebAssembly header-line splitter (wasm/header-lines-wat.ts, wasm/hot-facts-wat.ts)
// leaves in its memory besides the lines: "facts" about the hot header values of the message it
// last took, i.e. where the parts of the top Via, From, To, a sole Contact and its SIP URI, and
// CSeq lie. They are found with the rules of the byte fast paths (byte-scanners.ts) and, like
// them, either describe exactly what the general parser gives or say "not ok" (the accessor then
// scans in JavaScript). The next split overwrites them, so a reader first compares generations.
import { ParamMap } from './param-map.js';
import { EMPTY_PARAMS, type Params } from './scanner.js';

/**
 * The splitter's memory as i32 words and the generation of what it holds (bumped on every
 * split, so a message whose generation is still current may read the facts). The facts are
 * only scanned when a hot accessor first asks (`scan`, once per split: `scanned`).
 */
export const FACTS = {
  words: new Int32Array(0),
  generation: 0,
  scanned: true,
  scan: (): void => undefined,
};

/** A message's generation when the splitter left no facts about it. */
export const NO_FACTS = -1;

/** Parameters recorded per value at most (more: not ok). */
export const MAX_FACT_PARAMS = 6;

// Byte offsets of the fact slots (each 128 bytes). Every slot starts with an ok flag (1: the
// facts hold); offsets inside the message are relative to its first byte. The From and To URIs
// are left to the byte fast paths: the transaction and dialog layers read their tags on every
// message, their URIs seldom; the Contact URI is the dialog's remote target.
export const FACT_VIA = 2048; // ok, transport (index into via.ts's COMMON_TRANSPORTS), hostStart, hostEnd, port (-1: none), params
export const FACT_FROM = 2176; // ok, dnStart (-1: none), dnEnd, uriStart, uriEnd, bracketed, params
export const FACT_TO = 2304;
export const FACT_CONTACT = 2432;
export const FACT_CONTACT_URI = 2560; // ok, sips, userStart (-1: none), userEnd, hostStart, hostEnd, port, params
export const FACT_CSEQ = 2688; // ok, seq (u32), methodStart, methodEnd
export const FACT_SLOT_BYTES = 128;

/** Word offsets of the parameter block (a count, then nameStart, nameEnd, valueStart, valueEnd each). */
export const VIA_PARAMS = 5;
export const NAME_ADDR_PARAMS = 6;
export const URI_PARAMS = 7;

/** The parameters recorded at word `at` as the byte fast paths build them (spans of `src`). */
export function factsParams(w: Int32Array, at: number, src: string): Params {
  const n = w[at]!;
  if (n === 0) return EMPTY_PARAMS;
  const map = new ParamMap();
  for (let i = 0, k = at + 1; i < n; i++, k += 4) map.addSpan(src, w[k]!, w[k + 1]!, w[k + 2]!, w[k + 3]!);
  return map;
}
