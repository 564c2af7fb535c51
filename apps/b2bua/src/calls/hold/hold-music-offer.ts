import type { G711Law } from '@switchboard/media';
import {
  buildMediaSection,
  codecMatches,
  createOffer,
  MediaDescription,
  parseSdp,
  type SessionDescription,
} from '@switchboard/sdp';
import type { SessionBody } from '../legs/caller-leg.js';

const CODEC: Readonly<Record<G711Law, { encodingName: string; clockRate: number; payloadType: number }>> = {
  pcmu: { encodingName: 'PCMU', clockRate: 8000, payloadType: 0 },
  pcma: { encodingName: 'PCMA', clockRate: 8000, payloadType: 8 },
};

/** An SDP body parsed, or undefined when it is none (absent, another content type, unreadable). */
export function sdpOf(body: SessionBody | undefined): SessionDescription | undefined {
  if (!body || !/^application\/sdp\b/i.test(body.contentType)) return undefined;
  try {
    return parseSdp(body.content.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** The first enabled audio stream of a description. */
export function audioIndexOf(sdp: SessionDescription): number {
  return sdp.media.findIndex((m) => m.media === 'audio' && !m.isDisabled);
}

/** The first G.711 law among the audio codecs of `sdp` (in its order), if any. */
export function g711LawOf(sdp: SessionDescription | undefined): G711Law | undefined {
  const m = sdp?.media[audioIndexOf(sdp)];
  for (const c of m?.codecs ?? []) {
    if (codecMatches(c, CODEC.pcmu)) return 'pcmu';
    if (codecMatches(c, CODEC.pcma)) return 'pcma';
  }
  return undefined;
}

/**
 * The PBX's offer that points a held leg at its music source (RFC 3264 §8): the same m-lines as the
 * leg's current session (`current`, the last description it was sent), its audio stream moved to our
 * address and port with the one G.711 law the leg uses and a=sendonly (we only send; the held party
 * answers recvonly or inactive), every other stream disabled with port 0 (§8.2). The o= line is the
 * current one with the version bumped (§8: the leg sees one continuous session). Undefined when the
 * current session has no audio stream to carry music.
 */
export function holdMusicOffer(
  current: SessionDescription,
  law: G711Law,
  local: { readonly address: string; readonly port: number },
): { sdp: SessionDescription; audioIndex: number } | undefined {
  const audioIndex = audioIndexOf(current);
  if (audioIndex < 0) return undefined;
  const o = current.origin;
  const sdp = createOffer({
    origin: { ...o, sessionVersion: o.sessionVersion + 1n, addrType: o.addrType === 'IP6' ? 'IP6' : 'IP4' },
    connection: { address: local.address },
    streams: [],
  });
  current.media.forEach((m, i) => {
    if (i === audioIndex) {
      sdp.addMedia(
        buildMediaSection({
          port: local.port,
          capability: {
            media: 'audio',
            protocols: ['RTP/AVP'],
            codecs: [CODEC[law]],
            direction: 'sendonly',
            ptime: 20,
            rtcpMux: false,
          },
        }),
      );
      return;
    }
    const line = m.mediaLine;
    sdp.addMedia(MediaDescription.create({ ...line, port: 0, formats: line.formats.slice(0, 1) }));
  });
  return { sdp, audioIndex };
}

/** Where the held party wants the music (its answer's audio stream), or why it cannot have it. */
export function musicDestination(
  answer: SessionBody | undefined,
  audioIndex: number,
  law: G711Law,
): { address: string; port: number } | string {
  const sdp = sdpOf(answer);
  if (!sdp) return 'no SDP answer';
  const m = sdp.media[audioIndex];
  if (!m || m.isDisabled) return 'music stream rejected';
  if (!m.codecs.some((c) => codecMatches(c, CODEC[law]))) return `answer without ${CODEC[law].encodingName}`;
  const c = m.effectiveConnection(sdp);
  if (!c) return 'answer without c=';
  return { address: c.address, port: m.port };
}
