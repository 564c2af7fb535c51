/** What a trace view needs from one SIP message, read from its text without a full parse. */
export interface SipSummary {
  readonly kind: 'request' | 'response';
  /** Request method, or the CSeq method of a response. */
  readonly method: string;
  readonly status?: number;
  readonly reason?: string;
  readonly callId?: string;
  readonly cseq?: string;
}

// Compact forms (RFC 3261 §7.3.3): i = Call-ID.
const CALL_ID = /^(?:call-id|i)$/i;

/** Reads the start line, Call-ID and CSeq of a SIP message (text); undefined if it is not SIP. */
export function summarizeSip(text: string): SipSummary | undefined {
  const headEnd = text.indexOf('\r\n\r\n');
  const head = headEnd < 0 ? text : text.slice(0, headEnd);
  const lines = head.split(/\r?\n/);
  const start = lines[0] ?? '';
  let callId: string | undefined;
  let cseq: string | undefined;
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const name = line.slice(0, colon).trim();
    if (callId === undefined && CALL_ID.test(name)) callId = line.slice(colon + 1).trim();
    else if (cseq === undefined && /^cseq$/i.test(name)) cseq = line.slice(colon + 1).trim();
  }
  const cseqMethod = cseq?.split(/\s+/)[1];
  const response = /^SIP\/2\.0 (\d{3})(?: (.*))?$/.exec(start);
  if (response) {
    return {
      kind: 'response',
      method: cseqMethod ?? '',
      status: Number(response[1]),
      ...(response[2] ? { reason: response[2] } : {}),
      ...(callId !== undefined ? { callId } : {}),
      ...(cseq !== undefined ? { cseq } : {}),
    };
  }
  const request = /^([A-Za-z!%*_+`'~.-]+) \S+ SIP\/2\.0$/.exec(start);
  if (!request?.[1]) return undefined;
  return {
    kind: 'request',
    method: request[1],
    ...(callId !== undefined ? { callId } : {}),
    ...(cseq !== undefined ? { cseq } : {}),
  };
}

/** The arrow label of a ladder: `INVITE`, `180 Ringing`, `200 OK (BYE)`. */
export function sipLabel(s: SipSummary): string {
  if (s.kind === 'request') return s.method;
  const text = `${s.status ?? ''} ${s.reason ?? ''}`.trim();
  return s.method && s.method !== 'INVITE' ? `${text} (${s.method})` : text;
}
