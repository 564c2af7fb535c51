// Loader of the WebAssembly header-line splitter (source: wasm/header-lines-wat.ts). One
// instance per process, created at import; its memory never grows, so the views stay valid.
import { FACTS } from '../grammar/wasm-facts.js';
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
import { LINES, lineScratch } from './header-lines.js';

// The part of the WebAssembly JS API used here (the ES lib has no declarations for it).
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object) => { exports: Record<string, unknown> };
}

interface HeaderLinesExports {
  memory: { buffer: ArrayBuffer };
  split: (pos: number, n: number) => number;
  facts: () => void;
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
FACTS.words = mem32;
if (exported !== undefined) FACTS.scan = exported.facts;

/**
 * Splits the header lines of bytes[pos, n) the way splitLinesJs does, into the line scratch and
 * LINES, filling `hot`, and leaves the hot-header facts (LINES.facts; scanned on demand); false
 * (nothing written) when the JavaScript splitter must decide. When the header section is
 * bytes[?, n) with its final CRLF CRLF after n (the stream framer), LINES.stop is n, as
 * splitLinesJs gives it.
 */
export function splitLinesWasm(
  bytes: Uint8Array,
  pos: number,
  n: number,
  hot: number[],
  maxHeaders: number,
): boolean {
  let limit = n;
  if (
    n + 4 <= bytes.length &&
    bytes[n] === 13 &&
    bytes[n + 1] === 10 &&
    bytes[n + 2] === 13 &&
    bytes[n + 3] === 10
  )
    limit = n + 4;
  if (limit > MAX_INPUT || split === undefined) return false;
  // The memory is about to change: facts read from it under the old generation are gone.
  FACTS.generation++;
  FACTS.scanned = false;
  mem8.set(limit === bytes.length ? bytes : bytes.subarray(0, limit), INPUT);
  const count = split(pos, limit);
  if (count < 0 || count > maxHeaders) return false;
  const words = count * INDEX_STRIDE;
  const out = lineScratch(words);
  for (let j = 0, r = RECORDS >> 2; j < words; j++, r++) out[j] = mem32[r]!;
  for (let j = 0, h = HOT_TABLE >> 2; j < 2 * HOT_IDS; j++, h++) hot[j] = mem32[h]!;
  const stop = mem32[STOP_SLOT >> 2]!;
  LINES.words = words;
  LINES.stop = stop > n ? n : stop;
  LINES.contentLength = mem32[CONTENT_LENGTH_SLOT >> 2]!;
  LINES.facts = FACTS.generation;
  return true;
}
