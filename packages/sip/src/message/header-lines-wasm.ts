// Loader of the WebAssembly header-line splitter (source: wasm/header-lines-wat.ts). One
// instance per process, created at import; its memory never grows, so the views stay valid.
import { INDEX_STRIDE } from '../headers/header-index.js';
import { HOT_IDS } from '../headers/header-names.js';
import {
  CONTENT_LENGTH_SLOT,
  HOT_TABLE,
  INPUT,
  MAX_INPUT,
  RECORDS,
  STOP_SLOT,
} from './header-lines-layout.js';
import { HEADER_LINES_WASM } from './header-lines.generated.js';

// The part of the WebAssembly JS API used here (the ES lib has no declarations for it).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

interface HeaderLinesExports {
  memory: { buffer: ArrayBuffer };
  split: (pos: number, n: number) => number;
}

// Node without WebAssembly (--jitless) parses with the JavaScript splitter alone.
function instantiate(): HeaderLinesExports | undefined {
  const wasm = (globalThis as { WebAssembly?: WasmApi }).WebAssembly;
  if (wasm === undefined) return undefined;
  const module = new wasm.Module(Buffer.from(HEADER_LINES_WASM, 'base64'));
  return new wasm.Instance(module).exports as unknown as HeaderLinesExports;
}

const exported = instantiate();
const split = exported?.split;
const mem8 = new Uint8Array(exported?.memory.buffer ?? new ArrayBuffer(0));
const mem32 = new Int32Array(exported?.memory.buffer ?? new ArrayBuffer(0));

/** What splitLinesWasm found besides the lines: the empty line's offset and Content-Length (-1: absent). */
export const WASM_SPLIT = { stop: 0, contentLength: -1 };

/**
 * Splits the header lines of bytes[pos, n) the way splitHeaders does: returns the parser's
 * HeaderIndex (INDEX_STRIDE numbers per line) and fills `hot`, or returns undefined when the
 * JavaScript splitter must decide. WASM_SPLIT.stop is the offset of the empty line; when the
 * header section is bytes[?, n) with its final CRLF CRLF after n (the stream framer), it is n.
 */
export function splitLinesWasm(
  bytes: Uint8Array,
  pos: number,
  n: number,
  hot: number[],
  maxHeaders: number,
): number[] | undefined {
  let limit = n;
  if (
    n + 4 <= bytes.length &&
    bytes[n] === 13 &&
    bytes[n + 1] === 10 &&
    bytes[n + 2] === 13 &&
    bytes[n + 3] === 10
  )
    limit = n + 4;
  if (limit > MAX_INPUT || split === undefined) return undefined;
  mem8.set(limit === bytes.length ? bytes : bytes.subarray(0, limit), INPUT);
  const count = split(pos, limit);
  if (count < 0 || count > maxHeaders) return undefined;
  // Filled in place at its final size: cheaper than filling a scratch array and slicing it.
  const words = count * INDEX_STRIDE;
  const index = new Array<number>(words);
  for (let j = 0, r = RECORDS >> 2; j < words; j++, r++) index[j] = mem32[r]!;
  for (let j = 0, h = HOT_TABLE >> 2; j < 2 * HOT_IDS; j++, h++) hot[j] = mem32[h]!;
  WASM_SPLIT.contentLength = mem32[CONTENT_LENGTH_SLOT >> 2]!;
  const stop = mem32[STOP_SLOT >> 2]!;
  WASM_SPLIT.stop = stop > n ? n : stop;
  return index;
}
