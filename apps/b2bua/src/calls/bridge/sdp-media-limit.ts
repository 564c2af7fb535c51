import type { SessionBody } from '../legs/caller-leg.js';

/**
 * The cap on m-lines per SDP body (SWITCHBOARD_SDP_MAX_MEDIA): a body with more is refused before it
 * is parsed, so a huge offer costs one bounded line scan. Counted on the raw text, stopping at
 * `max` + 1. Returns the reason for the 488 (RFC 3261 §21.4.26, with a Warning), or undefined.
 */
export function sdpMediaLimitProblem(
  body: SessionBody | undefined,
  max: number | undefined,
): string | undefined {
  if (!body || max === undefined || !/^application\/sdp\b/i.test(body.contentType)) return undefined;
  const text = body.content.toString('latin1');
  let count = text.startsWith('m=') ? 1 : 0;
  for (let at = text.indexOf('\nm='); at >= 0 && count <= max; at = text.indexOf('\nm=', at + 3)) count += 1;
  return count > max ? `Too many media streams (more than ${max})` : undefined;
}

/**
 * The Warning of a 488 (RFC 3261 §20.43: 399 = miscellaneous, 302 = incompatible transport
 * protocol; our host, the reason quoted).
 */
export function warningOf(reason: string, code = 399): readonly [string, string] {
  return ['Warning', `${code} switchboard "${reason.replace(/"/g, "'")}"`];
}
