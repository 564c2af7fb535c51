import { type NameAddr, parseNameAddr, SipParseError, type SipRequest, splitList } from '@switchboard/sip';

/** At most this many Path values are stored per binding (a relay chain longer than this is a loop or abuse). */
const MAX_PATH_VALUES = 8;

/**
 * The REGISTER's Path values in order, the proxy next to us first (RFC 3327 §4, §5.3), as the
 * name-addr texts received; undefined when there is none. Each must be a `sip:`/`sips:` URI of a
 * loose router (`lr`, §4: Path URIs become a preloaded Route set, and we never strict-route), in
 * brackets (rr-param syntax as Route, §4). Throws SipParseError (a 400) for anything else.
 */
export function registrationPath(request: SipRequest): string[] | undefined {
  const lines = request.getHeaders('Path');
  if (lines.length === 0) return undefined;
  const values: NameAddr[] = [];
  for (const line of lines) {
    for (const item of splitList(line)) values.push(parseNameAddr(item, 'Path', { requireBrackets: true }));
  }
  if (values.length === 0) throw new SipParseError('Invalid Path header: empty value', { header: 'Path' });
  if (values.length > MAX_PATH_VALUES)
    throw new SipParseError(`Too many Path values (at most ${MAX_PATH_VALUES})`, { header: 'Path' });
  for (const value of values) {
    const uri = value.uri;
    if (uri.kind !== 'sip') throw new SipParseError('Invalid Path header: not a SIP URI', { header: 'Path' });
    if (!uri.params.has('lr'))
      throw new SipParseError('Invalid Path header: URI without lr (loose routing)', { header: 'Path' });
  }
  return values.map((v) => v.toString());
}

/**
 * RFC 5626 §6: a registrar that is not the first hop accepts outbound only when the first Path
 * value (the edge proxy's, §5.1) carries the `ob` URI parameter.
 */
export function pathOffersOutbound(path: readonly string[] | undefined): boolean {
  const first = path?.[0];
  if (first === undefined) return false;
  const uri = parseNameAddr(first, 'Path', { requireBrackets: true }).uri;
  return uri.kind === 'sip' && uri.params.has('ob');
}

/**
 * RFC 3327 §5.3: the Path values go back in the 200 only to a UA that said `Supported: path`;
 * undefined when they must not be echoed.
 */
export function pathToEcho(request: SipRequest, path: readonly string[] | undefined): string[] | undefined {
  if (!path || !request.supported.some((tag) => tag.toLowerCase() === 'path')) return undefined;
  return [...path];
}
