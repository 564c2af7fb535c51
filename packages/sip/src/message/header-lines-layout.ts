// Memory layout shared by the WebAssembly header-line splitter (wasm/header-lines-wat.ts) and
// its loader (header-lines-wasm.ts). Offsets in bytes; every slot is an i32.

/** First and last line of each hot header (2 * HOT_IDS slots, -1 when none; see HOT_IDS). */
export const HOT_TABLE = 0;
/** The Content-Length value found, -1 when the header is absent. */
export const CONTENT_LENGTH_SLOT = 72;
/** Offset of the empty line that ends the header section. */
export const STOP_SLOT = 76;
/** The character-class table of grammar/char-classes.ts (256 bytes, a data segment). */
export const CLASS_TABLE = 1024;
// 2048 to 2816: the hot-header facts (grammar/wasm-facts.ts).
/** Header lines, INDEX_STRIDE slots each, in the parser's HeaderIndex format. */
export const RECORDS = 4096;
/** Where the message bytes are copied to. */
export const INPUT = 65536;
export const PAGES = 4;
/** Largest input: the vector scans read up to 15 bytes past the end. */
export const MAX_INPUT = PAGES * 65536 - INPUT - 16;
