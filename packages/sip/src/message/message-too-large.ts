// RFC 3261 §21.5.14 (513 Message Too Large): a message over the configured size is answered from
// its header section alone, so its body is never parsed (bounded work for huge messages).
import { HeaderId } from '../headers/header-names.js';
import { INDEX_STRIDE, indexFind, indexValue } from '../headers/header-index.js';
import { SipParseError } from '../sip-parse-error.js';
import { parseHeadSection, type HeadSection } from './message-parser.js';

const CRLFCRLF = Buffer.from('\r\n\r\n', 'latin1');

/** The 513 error for a message of `size` bytes over `limit`; `partial` names what answers it. */
export function tooLargeError(
  size: number,
  limit: number,
  partial?: SipParseError['partial'],
): SipParseError {
  return new SipParseError(`Message Too Large (${size} bytes, limit ${limit})`, { status: 513, partial });
}

/**
 * The 513 error for a whole message (a datagram) over `limit` bytes, with the Via, From, To,
 * Call-ID and CSeq of its header section when that section reads (else no partial: unanswerable).
 */
export function messageTooLarge(data: Buffer, limit: number): SipParseError {
  const headEnd = data.indexOf(CRLFCRLF);
  let partial: SipParseError['partial'];
  if (headEnd > 0 && headEnd <= limit) {
    try {
      partial = headPartial(parseHeadSection(data, 0, headEnd, { maxHeaders: 1000 }));
    } catch {
      partial = undefined;
    }
  }
  return tooLargeError(data.length, limit, partial);
}

/** What a response to this head needs (RFC 3261 §8.2.6.2), as raw values. */
export function headPartial(head: HeadSection): SipParseError['partial'] {
  const pick = (id: number): string | undefined => {
    const k = indexFind(head.src, head.index, id);
    return k < 0 ? undefined : indexValue(head.src, head.index, k);
  };
  const via: string[] = [];
  for (
    let k = indexFind(head.src, head.index, HeaderId.Via);
    k >= 0;
    k = indexFind(head.src, head.index, HeaderId.Via, k + INDEX_STRIDE)
  )
    via.push(indexValue(head.src, head.index, k));
  return {
    kind: head.request ? 'request' : 'response',
    method: head.request ? head.method : undefined,
    requestUri: head.request ? head.requestUri : undefined,
    via,
    from: pick(HeaderId.From),
    to: pick(HeaderId.To),
    callId: pick(HeaderId.CallId),
    cseq: pick(HeaderId.CSeq),
  };
}
