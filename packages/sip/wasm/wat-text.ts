// Small builders of WebAssembly text shared by the splitter's sources (header-lines-wat.ts,
// scanners-wat.ts, hot-facts-wat.ts).
import { INPUT } from '../src/message/header-lines-layout.js';

/** Little-endian integer of the ASCII text (what a load of those bytes gives). */
export function le(text: string): bigint {
  let v = 0n;
  for (let i = text.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(text.charCodeAt(i));
  return v;
}

/** `(local.get $name)` */
export const get = (name: string): string => `(local.get $${name})`;

/** The byte at `addr` (+ `offset`). */
export const u8 = (addr: string, offset = 0): string =>
  offset === 0 ? `(i32.load8_u ${addr})` : `(i32.load8_u offset=${offset} ${addr})`;

/** The local `name` (an address in memory) as an offset into the message. */
export const rel = (name: string): string => `(i32.sub ${get(name)} (i32.const ${INPUT}))`;

/** True (i32) when `byte` is SP or HTAB; the function needs a local $t. */
export const isWsp = (byte: string): string =>
  `(i32.or (i32.eq (local.tee $t ${byte}) (i32.const 32)) (i32.eq (local.get $t) (i32.const 9)))`;

/** A vector of 16 copies of `byte`. */
export const splat = (byte: number): string => `(v128.const i8x16 ${Array<number>(16).fill(byte).join(' ')})`;
