import type { MediaDescription } from '../model/media-description.js';
import type { SessionDescription } from '../model/session-description.js';
import { isTelephoneEvent } from '../offer-answer/codec-match.js';

/** Which RTP codecs may cross the B2BUA, and in which order. Names compare case-insensitively. */
export interface CodecPolicy {
  /** Media types the policy applies to (default: every RTP stream). */
  media?: readonly string[];
  /** Only these encoding names pass (telephone-event/CN included only if listed or kept below). */
  allow?: readonly string[];
  /** These encoding names never pass. */
  deny?: readonly string[];
  /** Preferred names first, in this order; others keep their relative order after them. */
  order?: readonly string[];
  /** Keep telephone-event even when `allow` does not list it. Default true. */
  keepTelephoneEvent?: boolean;
}

export interface CodecPolicyResult {
  /** Indexes of streams that lost every codec and were disabled with port 0. */
  disabled: number[];
}

/**
 * Filters and reorders the codecs of every RTP m-line in place. A stream left without a codec is
 * disabled (port 0) rather than removed, so m-line positions never change (RFC 3264 §8.2).
 * Non-RTP streams (T.38 image, application, …) are untouched.
 */
export function applyCodecPolicy(sdp: SessionDescription, policy: CodecPolicy): CodecPolicyResult {
  const disabled: number[] = [];
  sdp.media.forEach((m, index) => {
    if (!m.isRtp || m.port === 0 || (policy.media && !policy.media.includes(m.media))) return;
    const formats = filterFormats(m, policy);
    if (formats.length === 0 || formats.every((f) => isTelephoneEvent(nameOf(m, f)))) {
      m.setFormats(m.formats.slice(0, 1));
      m.port = 0;
      disabled.push(index);
      return;
    }
    m.setFormats(formats);
  });
  return { disabled };
}

function nameOf(m: MediaDescription, format: string): string {
  return m.codec(Number(format))?.encodingName ?? '';
}

function filterFormats(m: MediaDescription, policy: CodecPolicy): string[] {
  const lower = (xs: readonly string[] | undefined) => xs?.map((x) => x.toLowerCase());
  const allow = lower(policy.allow);
  const deny = lower(policy.deny) ?? [];
  const order = lower(policy.order) ?? [];
  const keepTe = policy.keepTelephoneEvent !== false;
  const kept = m.codecs.filter((c) => {
    const name = c.encodingName.toLowerCase();
    if (deny.includes(name)) return false;
    if (!allow || allow.includes(name)) return true;
    return keepTe && isTelephoneEvent(name);
  });
  const rank = (name: string) => {
    const r = order.indexOf(name.toLowerCase());
    return r < 0 ? order.length : r;
  };
  // Array.prototype.sort is stable, so codecs the policy does not rank keep their offered order.
  kept.sort((a, b) => rank(a.encodingName) - rank(b.encodingName));
  return kept.map((c) => String(c.payloadType));
}
