const LF = 0x0a;
const CR = 0x0d;
const SP = 0x20;
const HTAB = 0x09;
const COLON = 0x3a;
const HYPHEN = 0x2d;
/** "call-id" in lower case: letters are compared case-folded (`| 0x20`), the hyphen as it is. */
const CALL_ID = [0x63, 0x61, 0x6c, 0x6c, HYPHEN, 0x69, 0x64];
const END_OF_HEAD = Buffer.from('\r\n\r\n');

/**
 * The Call-ID of a SIP message, read from its bytes without parsing or decoding the message (the
 * trace hook sees every packet, so this must stay cheap): the value of the first header line named
 * `Call-ID` or its compact form `i` (RFC 3261 §7.3.3), any case, in the head only; undefined when the
 * head has none or its value is blank.
 */
export function sipCallIdOf(bytes: Buffer): string | undefined {
  const headEnd = bytes.indexOf(END_OF_HEAD);
  const end = headEnd < 0 ? bytes.length : headEnd;
  for (let nl = bytes.indexOf(LF); nl >= 0 && nl < end; nl = bytes.indexOf(LF, nl + 1)) {
    let i = nameEnd(bytes, nl + 1, end);
    if (i < 0) continue;
    while (i < end && (bytes[i] === SP || bytes[i] === HTAB)) i++;
    if (i >= end || bytes[i] !== COLON) continue;
    const start = i + 1;
    let stop = start;
    while (stop < end && bytes[stop] !== CR && bytes[stop] !== LF) stop++;
    // A line with nothing after the colon is not it; a blank value (spaces only) is, and gives none.
    if (stop === start) continue;
    return bytes.toString('utf8', start, stop).trim() || undefined;
  }
  return undefined;
}

/** The offset after a `Call-ID` or `i` header name starting at `at`, -1 when the line has another name. */
function nameEnd(bytes: Buffer, at: number, end: number): number {
  if (at + CALL_ID.length <= end) {
    let k = 0;
    for (; k < CALL_ID.length; k++) {
      const b = bytes[at + k]!;
      if ((CALL_ID[k] === HYPHEN ? b : b | 0x20) !== CALL_ID[k]) break;
    }
    if (k === CALL_ID.length) return at + k;
  }
  return at < end && (bytes[at]! | 0x20) === 0x69 ? at + 1 : -1;
}
