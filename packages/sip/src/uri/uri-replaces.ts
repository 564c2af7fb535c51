import { parseReplaces, type Replaces } from '../headers/event.js';
import { headerError } from '../sip-parse-error.js';
import { unescapeUriPart, type SipUri } from './uri.js';

/**
 * The Replaces header a Refer-To URI carries as a URI header (RFC 3891 §7, RFC 5589 §7.1:
 * `<sip:target?Replaces=callid%3Bto-tag%3D..%3Bfrom-tag%3D..>`), unescaped (RFC 3261 §19.1.1) and
 * parsed; undefined when the URI has none. Throws SipParseError for two of them or an invalid one
 * (RFC 3891 §3: exactly one Replaces).
 */
export function uriReplaces(uri: SipUri): Replaces | undefined {
  const values = uri.headers.filter(([name]) => name.toLowerCase() === 'replaces');
  const first = values[0];
  if (!first) return undefined;
  if (values.length > 1) throw headerError('Replaces', 'more than one in the URI');
  return parseReplaces(unescapeUriPart(first[1]));
}

/** Characters a URI header value keeps as they are (RFC 3261 §25.1 hvalue: hnv-unreserved / unreserved). */
const HVALUE_SAFE = /[A-Za-z0-9\-_.!~*'()[\]/?:+$]/;

/**
 * The `Replaces=` URI header naming a dialog, escaped for a Refer-To URI: `;`, `=`, `@` and every
 * other character outside hvalue are %-escaped (RFC 3261 §19.1.1, example in RFC 3891 §6.1).
 */
export function formatReplacesUriHeader(
  r: Pick<Replaces, 'callId' | 'toTag' | 'fromTag' | 'earlyOnly'>,
): string {
  const value = `${r.callId};to-tag=${r.toTag};from-tag=${r.fromTag}${r.earlyOnly ? ';early-only' : ''}`;
  let out = '';
  for (const ch of value) {
    if (HVALUE_SAFE.test(ch)) out += ch;
    else
      for (const byte of Buffer.from(ch, 'utf8'))
        out += `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return `Replaces=${out}`;
}
