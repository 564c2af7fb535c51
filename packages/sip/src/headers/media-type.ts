// Content-Type (RFC 3261 §20.15): media-type = m-type SLASH m-subtype *(SEMI m-parameter)
import { parseTrailingParams, scanToken, skipWs, type Params } from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';

export interface MediaType {
  /** "type/subtype" in lower case, e.g. "application/sdp". */
  readonly mediaType: string;
  readonly type: string;
  readonly subtype: string;
  readonly params: Params;
}

export function parseMediaType(s: string, header = 'Content-Type'): MediaType {
  const end = s.length;
  let pos = skipWs(s, 0, end);
  const te = scanToken(s, pos, end);
  if (te === pos) throw headerError(header, 'missing media type');
  const type = s.slice(pos, te).toLowerCase();
  pos = skipWs(s, te, end);
  if (s.charCodeAt(pos) !== 47) throw headerError(header, "expected '/'");
  pos = skipWs(s, pos + 1, end);
  const se = scanToken(s, pos, end);
  if (se === pos) throw headerError(header, 'missing media subtype');
  const subtype = s.slice(pos, se).toLowerCase();
  return { mediaType: `${type}/${subtype}`, type, subtype, params: parseTrailingParams(s, se, header) };
}
