// Message framing and header splitting (RFC 3261 §7, §7.3.1, §7.5, §18.3). The header section
// is decoded once as latin1 (one char per octet) and split with indexOf; structured header
// values are parsed later, on access (see SipMessageBase) or by validate().
import { NO_FACTS } from '../grammar/wasm-facts.js';
import type { HeaderField } from '../headers/header-field.js';
import type { HeaderIndex } from '../headers/header-index.js';
import { SipParseError } from '../sip-parse-error.js';
import { LINES, noHotLines, splitLinesJs, takeLines } from './header-lines.js';
import { splitLinesWasm } from './header-lines-wasm.js';
import { readPartial } from './partial-reader.js';
import type { SipMessage } from './sip-message.js';
import { SipRequest } from './sip-request.js';
import { SipResponse } from './sip-response.js';

export interface ParseOptions {
  /**
   * Stream transports (TCP/TLS): Content-Length is mandatory (RFC 3261 §18.3) and the
   * header section must end with an empty line. Datagrams (the default) take the body to
   * the end of the datagram when Content-Length is absent.
   */
  requireContentLength?: boolean;
  /** Maximum number of header lines; more gives a SipParseError (status 513). */
  maxHeaders?: number;
}

/** The start line and split header lines of a message. */
export interface HeadSection {
  readonly request: boolean;
  readonly method: string;
  readonly requestUri: string;
  readonly version: string;
  readonly status: number;
  readonly reason: string;
  /** The decoded header section the index points into. */
  readonly src: string;
  /** Header lines as offsets into `src` (see HeaderIndex). */
  readonly index: HeaderIndex;
  /** Offsets in `index` of the first (at [id]) and last (at [HOT_IDS + id]) line of each hot header; -1: none. */
  readonly hot: number[];
  /** The bytes `src` is the latin1 decoding of, at the same offsets (for the byte fast paths). */
  readonly bytes: Uint8Array | undefined;
  /** Declared Content-Length, -1 when absent. */
  readonly contentLength: number;
  /** Where the header section ends (the CR of the last header line's CRLF, or the limit). */
  readonly end: number;
  /** True when the split stopped at the empty line (CRLF CRLF) rather than at the limit. */
  readonly terminated: boolean;
  /** The generation of the hot-header facts the splitter left (grammar/wasm-facts.ts). */
  readonly facts: number;
}

// Shared defaults, so a parse allocates neither an options object nor a header list that
// attachHeaderIndex would replace at once (frozen: any write would throw, not leak).
const NO_OPTIONS: ParseOptions = Object.freeze({});
const NO_FIELDS = Object.freeze([]) as unknown as HeaderField[];

/**
 * Parses one message from a datagram (UDP, or one WebSocket message). Leading CRLFs are
 * skipped (§7.5); octets after Content-Length are ignored (§18.3). Throws SipParseError.
 */
export function parseMessage(data: Buffer, options: ParseOptions = NO_OPTIONS): SipMessage {
  // The datagram is decoded once as latin1 (one char per octet; the body is only sliced as
  // bytes) and split with string scans. The split stops at the empty line, so the end of the
  // header section needs no search of its own.
  const n = data.length;
  let start = 0;
  while (start + 1 < n && data[start] === 13 && data[start + 1] === 10) start += 2;
  // Decoding the whole datagram and searching the string beats Buffer.indexOf (a native call).
  const text = latin1(data, 0, n);
  const head = splitDatagramHead(text, data, start, n, options);
  head.bytes = data;
  let headEnd = head.end;
  let bodyStart = headEnd + 4;
  if (!head.terminated) {
    // Liberal: a datagram whose last header line ends the datagram without the empty line
    // (the RFC 4475 archive copy of baddn.dat) is taken as having an empty body.
    if (options.requireContentLength || !endsWithCrlf(text, start, n)) throw incomplete(text, start, n);
    headEnd = n - 2;
    bodyStart = n;
  }
  const cl = head.contentLength;
  if (cl < 0 && options.requireContentLength) {
    throw withPartial(
      new SipParseError('Missing Content-Length header', { header: 'Content-Length' }),
      text,
      start,
      headEnd,
    );
  }
  if (cl > n - bodyStart) {
    throw withPartial(
      new SipParseError('Content-Length larger than the message', { header: 'Content-Length' }),
      text,
      start,
      headEnd,
    );
  }
  return buildMessage(head, data, start, bodyStart, cl < 0 ? n : bodyStart + cl);
}

function endsWithCrlf(text: string, start: number, n: number): boolean {
  return n - start >= 2 && text.charCodeAt(n - 2) === 13 && text.charCodeAt(n - 1) === 10;
}

function incomplete(text: string, start: number, n: number): SipParseError {
  return withPartial(new SipParseError('Incomplete message: header section not terminated'), text, start, n);
}

/**
 * Splits the head of a datagram up to its empty line. Errors are reported as before the split
 * found the end: an unterminated header section is "Incomplete message" whatever its lines
 * hold, and partial info is read from the header section only.
 */
function splitDatagramHead(
  text: string,
  data: Buffer,
  start: number,
  n: number,
  options: ParseOptions,
): MutableHead {
  try {
    return splitHead(text, data, start, n, options.maxHeaders ?? Infinity);
  } catch (err) {
    if (!(err instanceof SipParseError)) throw err;
    let headEnd = text.indexOf('\r\n\r\n', start);
    if (headEnd < 0) {
      if (options.requireContentLength || !endsWithCrlf(text, start, n)) throw incomplete(text, start, n);
      headEnd = n - 2;
    }
    if (err.partial === undefined) err.partial = readPartial(text.slice(start, headEnd));
    throw err;
  }
}

type Latin1Buffer = Buffer & { latin1Slice(start: number, end: number): string };

function latin1(data: Buffer, start: number, end: number): string {
  return (data as Latin1Buffer).latin1Slice(start, end);
}

/** Builds the message object once the full message bytes are known. */
export function buildMessage(
  head: HeadSection,
  data: Buffer,
  start: number,
  bodyStart: number,
  end: number,
): SipMessage {
  const message = head.request
    ? new SipRequest(head.method, head.requestUri, NO_FIELDS, undefined, head.version)
    : new SipResponse(head.status, head.reason, NO_FIELDS, undefined, head.version);
  return message
    .attachHeaderIndex(head.src, head.index, head.hot, head.bytes, head.facts)
    .attachWire(data, start, bodyStart, end);
}

/** Splits the header section data[start, headEnd) (no final CRLF); attaches partial info to errors. */
export function parseHeadSection(
  data: Buffer,
  start: number,
  headEnd: number,
  options: ParseOptions = {},
): HeadSection {
  // The byte offsets match the text's only when the section starts the buffer.
  const bytes = start === 0 ? data : undefined;
  const head = splitHeadGuarded(
    latin1(data, start, headEnd),
    bytes,
    headEnd - start,
    options.maxHeaders ?? Infinity,
  );
  head.bytes = bytes;
  return head;
}

function splitHeadGuarded(
  text: string,
  bytes: Uint8Array | undefined,
  end: number,
  maxHeaders: number,
): MutableHead {
  try {
    return splitHead(text, bytes, 0, end, maxHeaders);
  } catch (err) {
    if (err instanceof SipParseError && err.partial === undefined)
      err.partial = readPartial(text.slice(0, end));
    throw err;
  }
}

function withPartial(err: SipParseError, text: string, start: number, end: number): SipParseError {
  err.partial = readPartial(text.slice(start, Math.min(end, start + 65536)));
  return err;
}

/**
 * Splits the start line and header lines of head[start, end). `bytes`, when given, holds the
 * octets `head` was decoded from at the same offsets, for the WebAssembly splitter.
 * @internal Exported for the test that holds both splitters to the same answers.
 */
export function splitHead(
  head: string,
  bytes: Uint8Array | undefined,
  start: number,
  end: number,
  maxHeaders: number,
): MutableHead {
  // The start line ends at the first CRLF (a lone CR stays in it; validate() names it).
  let lineEnd = head.indexOf('\r', start);
  while (lineEnd >= 0 && lineEnd < end && head.charCodeAt(lineEnd + 1) !== 10)
    lineEnd = head.indexOf('\r', lineEnd + 1);
  if (lineEnd < 0 || lineEnd > end) lineEnd = end;
  const line = head.slice(start, lineEnd);
  const isResponse =
    line.length > 4 &&
    (line.charCodeAt(0) | 32) === 115 &&
    (line.charCodeAt(1) | 32) === 105 &&
    (line.charCodeAt(2) | 32) === 112 &&
    line.charCodeAt(3) === 47;
  const section = isResponse ? statusLine(line) : requestLine(line);
  section.src = head;
  // Anything unusual (and every error) is left to the JavaScript splitter.
  if (bytes === undefined || !splitLinesWasm(bytes, lineEnd + 2, end, section.hot, maxHeaders))
    splitLinesJs(head, lineEnd + 2, end, section.hot, maxHeaders);
  section.index = takeLines();
  section.contentLength = LINES.contentLength;
  section.facts = LINES.facts;
  const stop = LINES.stop;
  section.terminated = stop < end;
  section.end = section.terminated ? stop - 2 : end;
  return section;
}

type MutableHead = HeadSection & {
  index: HeaderIndex;
  hot: number[];
  contentLength: number;
  src: string;
  end: number;
  terminated: boolean;
  bytes: Uint8Array | undefined;
  facts: number;
};

// Request-Line = Method SP Request-URI SP SIP-Version; the URI is what lies between the first
// and the last SP so that stray spaces end up in it and validate() can name the problem.
function requestLine(line: string): MutableHead {
  const sp1 = line.indexOf(' ');
  // (a backward loop: String#lastIndexOf is a runtime call in V8)
  let sp2 = line.length - 1;
  while (sp2 >= 0 && line.charCodeAt(sp2) !== 32) sp2--;
  if (sp1 <= 0 || sp2 === sp1) throw new SipParseError('Malformed Request-Line');
  return {
    request: true,
    method: line.slice(0, sp1),
    requestUri: line.slice(sp1 + 1, sp2),
    version: line.slice(sp2 + 1),
    status: 0,
    reason: '',
    src: '',
    index: [],
    hot: noHotLines(),
    bytes: undefined,
    contentLength: -1,
    end: 0,
    terminated: false,
    facts: NO_FACTS,
  };
}

// Status-Line = SIP-Version SP Status-Code SP Reason-Phrase
function statusLine(line: string): MutableHead {
  const sp1 = line.indexOf(' ');
  let sp2 = line.indexOf(' ', sp1 + 1);
  if (sp2 < 0) sp2 = line.length;
  let status = 0;
  for (let i = sp1 + 1; i < sp2; i++) {
    const c = line.charCodeAt(i);
    if (c < 48 || c > 57) throw new SipParseError('Malformed Status-Line');
    status = status * 10 + c - 48;
  }
  if (sp1 < 0 || sp2 === sp1 + 1) throw new SipParseError('Malformed Status-Line');
  return {
    request: false,
    method: '',
    requestUri: '',
    version: line.slice(0, sp1),
    status,
    reason: sp2 < line.length ? line.slice(sp2 + 1) : '',
    src: '',
    index: [],
    hot: noHotLines(),
    bytes: undefined,
    contentLength: -1,
    end: 0,
    terminated: false,
    facts: NO_FACTS,
  };
}
