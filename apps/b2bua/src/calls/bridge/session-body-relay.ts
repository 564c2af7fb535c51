import { parseSdp, relaySdp } from '@switchboard/sdp';
import type { SessionBody } from '../legs/caller-leg.js';
import { sdpMediaLimitProblem } from './sdp-media-limit.js';

export type BodyRelay =
  | { readonly ok: true; readonly body: SessionBody | undefined; readonly mediaCount: number }
  /** `warnCode`: the Warning's code (RFC 3261 §20.43), 399 when absent. */
  | { readonly ok: false; readonly reason: string; readonly warnCode?: number };

/**
 * Checks a session body before it crosses to the other leg. SDP is parsed and relayed with every
 * m-line kept in place (added video, removed streams with port 0, unknown media types); a body we
 * cannot read, or one over the m-line cap `maxMedia`, gets 488 (RFC 3261 §21.4.26) instead of being
 * passed on. Other body types go as is.
 */
export function relayBody(body: SessionBody | undefined, maxMedia?: number): BodyRelay {
  if (!body) return { ok: true, body: undefined, mediaCount: 0 };
  if (!/^application\/sdp\b/i.test(body.contentType)) return { ok: true, body, mediaCount: 0 };
  const tooMany = sdpMediaLimitProblem(body, maxMedia);
  if (tooMany) return { ok: false, reason: tooMany };
  try {
    const parsed = parseSdp(body.content.toString('utf8'));
    if (parsed.media.length === 0) return { ok: false, reason: 'SDP without media' };
    const { sdp } = relaySdp(parsed);
    return {
      ok: true,
      body: { contentType: body.contentType, content: Buffer.from(sdp.toString(), 'utf8') },
      mediaCount: sdp.media.length,
    };
  } catch (err) {
    return { ok: false, reason: err instanceof Error ? err.message : 'unreadable SDP' };
  }
}
