import type { MediaDescription } from '../model/media-description.js';
import type { SessionDescription } from '../model/session-description.js';
import type { Codec } from '../model/sdp-types.js';
import { isDynamicPayloadType } from '../model/static-payload-types.js';
import { sameCodec } from './codec-match.js';
import { isDirectionAllowed } from './direction.js';

export type AnswerErrorCode =
  | 'media-count'
  | 'media-type'
  | 'protocol'
  | 'accepted-disabled-stream'
  | 'no-format'
  | 'format-not-offered'
  | 'direction'
  | 'mid';

/** One way an answer violates RFC 3264 §6 with respect to its offer. */
export interface AnswerError {
  code: AnswerErrorCode;
  /** m-line index, when the error concerns one stream. */
  mediaIndex?: number;
  message: string;
}

/** Thrown by {@link assertValidAnswer}; `errors` lists every problem found. */
export class SdpNegotiationError extends Error {
  override readonly name = 'SdpNegotiationError';
  constructor(readonly errors: readonly AnswerError[]) {
    super(`invalid SDP answer: ${errors.map((e) => e.message).join('; ')}`);
  }
}

/**
 * Checks an answer against the offer it answers (RFC 3264 §6): same number of m-lines with the
 * same media types and protocols, port 0 kept for streams disabled in the offer, formats taken
 * from the offer (a dynamic payload type may be renumbered if its rtpmap names an offered codec,
 * RFC 4317 §2.3), directions compatible, mids echoed. Returns every error found ([] if valid).
 */
export function checkAnswer(offer: SessionDescription, answer: SessionDescription): AnswerError[] {
  const errors: AnswerError[] = [];
  if (answer.media.length !== offer.media.length) {
    errors.push({
      code: 'media-count',
      message: `answer has ${answer.media.length} m-lines, offer has ${offer.media.length}`,
    });
  }
  const n = Math.min(answer.media.length, offer.media.length);
  for (let i = 0; i < n; i++) {
    checkStream(
      errors,
      i,
      offer,
      offer.media[i] as MediaDescription,
      answer,
      answer.media[i] as MediaDescription,
    );
  }
  return errors;
}

/** Like {@link checkAnswer} but throws {@link SdpNegotiationError} when the answer is invalid. */
export function assertValidAnswer(offer: SessionDescription, answer: SessionDescription): void {
  const errors = checkAnswer(offer, answer);
  if (errors.length) throw new SdpNegotiationError(errors);
}

function checkStream(
  errors: AnswerError[],
  i: number,
  offer: SessionDescription,
  o: MediaDescription,
  answer: SessionDescription,
  a: MediaDescription,
): void {
  const om = o.mediaLine;
  const am = a.mediaLine;
  const err = (code: AnswerErrorCode, message: string) =>
    errors.push({ code, mediaIndex: i, message: `m-line ${i} (${om.media}): ${message}` });
  if (am.media !== om.media) return void err('media-type', `answer has media type ${am.media}`);
  if (am.protocol !== om.protocol)
    return void err('protocol', `answer uses ${am.protocol}, offer ${om.protocol}`);
  if (am.port === 0) return; // Rejected: nothing more to check (RFC 3264 §6).
  if (om.port === 0)
    return void err('accepted-disabled-stream', `answer port ${am.port} for a stream offered with port 0`);
  if (am.formats.length === 0) return void err('no-format', 'accepted stream lists no format');
  if (o.isRtp) checkRtpFormats(err, o, a);
  else {
    for (const f of am.formats)
      if (!om.formats.includes(f)) err('format-not-offered', `format ${f} was not offered`);
  }
  const od = o.effectiveDirection(offer);
  const ad = a.effectiveDirection(answer);
  if (!isDirectionAllowed(od, ad))
    err('direction', `answer direction ${ad} is not allowed for offered ${od}`);
  const mid = o.mid;
  if (mid !== undefined && a.mid !== undefined && a.mid !== mid) {
    err('mid', `answer mid ${a.mid} differs from offered mid ${mid}`);
  }
}

function checkRtpFormats(
  err: (code: AnswerErrorCode, message: string) => void,
  o: MediaDescription,
  a: MediaDescription,
) {
  const offered = o.codecs;
  const byPt = new Map<number, Codec>(offered.map((c) => [c.payloadType, c]));
  for (const c of a.codecs) {
    const same = byPt.get(c.payloadType);
    if (same) {
      // Same number: it must denote the same codec when both sides name it.
      if (same.encodingName && c.encodingName && !sameCodec(same, c)) {
        err(
          'format-not-offered',
          `payload type ${c.payloadType} is ${c.encodingName}/${c.clockRate} in the answer but ${same.encodingName}/${same.clockRate} in the offer`,
        );
      }
      continue;
    }
    const renumbered =
      isDynamicPayloadType(c.payloadType) && c.encodingName && offered.some((x) => sameCodec(x, c));
    if (!renumbered) {
      const what = c.encodingName ? ` (${c.encodingName}/${c.clockRate})` : '';
      err('format-not-offered', `payload type ${c.payloadType}${what} was not offered`);
    }
  }
}
