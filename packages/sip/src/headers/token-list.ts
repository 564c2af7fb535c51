// Comma lists of tokens: Allow, Supported, Require, Proxy-Require, Unsupported, Allow-Events
// (RFC 3261 §20.5, §20.29, §20.32, §20.37, §20.40; RFC 6665 §8.2.2).
import { isTokenString } from '../grammar/scanner.js';
import { headerError } from '../sip-parse-error.js';

/** Parses `[ token *(COMMA token) ]`; an empty value is allowed only when `allowEmpty`. */
export function parseTokenList(s: string, header: string, allowEmpty: boolean): string[] {
  const trimmed = s.trim();
  if (trimmed === '') {
    if (allowEmpty) return [];
    throw headerError(header, 'empty value');
  }
  const out = trimmed.split(',');
  for (let i = 0; i < out.length; i++) {
    const t = out[i]!.trim();
    if (!isTokenString(t)) throw headerError(header, t === '' ? 'empty list element' : `bad token '${t}'`);
    out[i] = t;
  }
  return out;
}
