import { applyCodecPolicy, parseSdp, serializeSdp } from '@switchboard/sdp';

type Body = { readonly contentType: string; readonly content: Buffer };

/**
 * The caller's offer as a trunk may see it: audio codecs not in the trunk's list removed, the rest
 * in the trunk's order (telephone-event kept, RFC 4733); other media untouched. A stream left with
 * nothing is disabled with port 0 (RFC 3264 §8.2 keeps m-line positions). `refused` when no audio
 * stream is left: the branch fails 488 without bothering the provider.
 */
export function offerForTrunk(
  body: Body,
  codecs: readonly string[],
): { readonly body: Body } | { readonly refused: string } {
  if (codecs.length === 0 || !/^application\/sdp/i.test(body.contentType)) return { body };
  let sdp;
  try {
    sdp = parseSdp(body.content);
  } catch {
    return { body }; // not ours to judge: the provider answers a broken offer itself
  }
  const audioBefore = sdp.media.filter((m) => m.media === 'audio' && m.port !== 0).length;
  applyCodecPolicy(sdp, { media: ['audio'], allow: codecs, order: codecs });
  const audioAfter = sdp.media.filter((m) => m.media === 'audio' && m.port !== 0).length;
  if (audioBefore > 0 && audioAfter === 0)
    return { refused: `no codec the trunk allows (${codecs.join(', ')})` };
  return { body: { contentType: body.contentType, content: Buffer.from(serializeSdp(sdp), 'utf8') } };
}
