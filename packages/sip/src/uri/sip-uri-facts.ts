// The SIP URI the WebAssembly splitter found (grammar/wasm-facts.ts), built as parseSipUriBytes
// builds it from the same spans.
import { FACTS, factsParams, URI_PARAMS } from '../grammar/wasm-facts.js';
import { EMPTY_HEADERS, type SipUri } from './uri.js';

/** The URI of the fact slot at byte offset `slot` (spans of `src`), undefined when not ok. */
export function sipUriFromFacts(slot: number, src: string): SipUri | undefined {
  const w = FACTS.words;
  const o = slot >> 2;
  if (w[o] !== 1) return undefined;
  const userStart = w[o + 2]!;
  const port = w[o + 6]!;
  return {
    kind: 'sip',
    scheme: w[o + 1] === 1 ? 'sips' : 'sip',
    user: userStart < 0 ? undefined : src.slice(userStart, w[o + 3]),
    password: undefined,
    host: src.slice(w[o + 4], w[o + 5]),
    port: port < 0 ? undefined : port,
    params: factsParams(w, o + URI_PARAMS, src),
    headers: EMPTY_HEADERS,
  };
}
