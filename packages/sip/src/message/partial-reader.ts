// Best-effort extraction of what a 400 response needs (RFC 3261 §8.2.6: Via, From, To, Call-ID,
// CSeq) from a header section that failed to parse. Never throws.
import { HeaderId, headerIdOf } from '../headers/header-names.js';
import type { PartialMessage } from '../sip-parse-error.js';

const FOLD = /\r\n[ \t]+/g;

export function readPartial(head: string): PartialMessage {
  const partial: PartialMessage = { via: [] };
  // A lone CR or LF ends a line here too: what follows it is never part of a value we copy.
  const lines = head.replace(FOLD, ' ').split(/\r\n|\r|\n/);
  const first = lines[0] ?? '';
  if (/^sip\/\d+\.\d+ /i.test(first)) partial.kind = 'response';
  else {
    const parts = first.split(' ');
    if (parts.length === 3 && parts[0]) {
      partial.kind = 'request';
      partial.method = parts[0];
      partial.requestUri = parts[1];
    }
  }
  for (let i = 1; i < lines.length; i++) {
    const line = lines[i]!;
    const colon = line.indexOf(':');
    if (colon <= 0) continue;
    const value = line.slice(colon + 1).trim();
    switch (headerIdOf(line.slice(0, colon).trim())) {
      case HeaderId.Via:
        partial.via.push(value);
        break;
      case HeaderId.From:
        partial.from ??= value;
        break;
      case HeaderId.To:
        partial.to ??= value;
        break;
      case HeaderId.CallId:
        partial.callId ??= value;
        break;
      case HeaderId.CSeq:
        partial.cseq ??= value;
        break;
    }
  }
  return partial;
}
