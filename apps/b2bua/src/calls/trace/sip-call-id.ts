/** Compact form `i` (RFC 3261 §7.3.3) as well as `Call-ID`, at the start of a header line. */
const CALL_ID_LINE = /\r?\n(?:call-id|i)[ \t]*:[ \t]*([^\r\n]+)/i;

/**
 * The Call-ID of a SIP message's text, read without parsing the message (the trace hook sees every
 * packet, so this must stay cheap); undefined when the head has none.
 */
export function sipCallIdOf(text: string): string | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  return CALL_ID_LINE.exec(head)?.[1]?.trim() || undefined;
}
