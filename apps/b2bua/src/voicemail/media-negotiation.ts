import { randomInt } from 'node:crypto';
import type { G711Law } from '@switchboard/media';
import {
  codecMatches,
  createAnswer,
  createOffer,
  parseSdp,
  SdpParseError,
  type CodecCapability,
  type MediaCapability,
  type SessionDescription,
} from '@switchboard/sdp';

/** G.711 in the order we prefer when we make the offer (late offer). */
const G711: readonly CodecCapability[] = [
  { encodingName: 'PCMU', clockRate: 8000, payloadType: 0 },
  { encodingName: 'PCMA', clockRate: 8000, payloadType: 8 },
];

function audioCapability(codecs: readonly CodecCapability[]): MediaCapability {
  // No RTP/RTCP mux: the media session uses the RFC 3550 §11 port pair.
  return { media: 'audio', protocols: ['RTP/AVP'], codecs, telephoneEvent: true, ptime: 20, rtcpMux: false };
}

/** What the voicemail's RTP session needs from the negotiation. */
export interface AgreedMedia {
  /** The offerer's payload type of the codec (0 PCMU or 8 PCMA in practice). */
  readonly payloadType: number;
  readonly law: G711Law;
  readonly telephoneEventPayloadType?: number;
  /** Where the peer wants our RTP (symmetric RTP re-latches on its first packet anyway). */
  readonly remote?: { address: string; port: number };
}

export type AnswerReading =
  { ok: true; media: AgreedMedia } | { ok: false; status: 488 | 400; reason: string };

export interface LocalMediaAddress {
  /** Address written in c= (the public address). */
  readonly address: string;
  readonly port: number;
}

function origin(address: string): { sessionId: string; address: string } {
  return { sessionId: String(randomInt(1, 2 ** 47)), address };
}

function parse(body: Buffer | string): SessionDescription | string {
  try {
    return parseSdp(body);
  } catch (err) {
    if (err instanceof SdpParseError) return `Bad SDP: line ${err.line}: ${err.reason}`;
    throw err;
  }
}

/** The caller's offer, read: the codec we will use and the parsed description to answer. */
export type OfferReading =
  | { ok: true; media: AgreedMedia; offer: SessionDescription; audioIndex: number }
  | { ok: false; status: 488 | 400; reason: string };

/**
 * Reads a caller's offer: the first PCMU/PCMA codec (in the offer's order) of the first audio
 * stream, and its telephone-event (RFC 4733). No common codec → 488, unreadable SDP → 400.
 */
export function readOffer(body: Buffer | string): OfferReading {
  const offer = parse(body);
  if (typeof offer === 'string') return { ok: false, status: 400, reason: offer };
  const audioIndex = offer.media.findIndex((m) => m.media === 'audio' && m.port !== 0);
  const offered = audioIndex >= 0 ? offer.media[audioIndex] : undefined;
  const codec = offered?.codecs.find((c) => G711.some((k) => codecMatches(c, k)));
  if (!offered || !codec) return { ok: false, status: 488, reason: 'No PCMU/PCMA audio offered' };
  const te = offered.codecs.find((c) => c.encodingName.toLowerCase() === 'telephone-event');
  const address = offered.effectiveConnection(offer)?.address;
  return {
    ok: true,
    offer,
    audioIndex,
    media: {
      payloadType: codec.payloadType,
      law: lawOf(codec.encodingName),
      ...(te ? { telephoneEventPayloadType: te.payloadType } : {}),
      ...(address !== undefined ? { remote: { address, port: offered.port } } : {}),
    },
  };
}

/**
 * Our answer (RFC 3264 §6): the one chosen codec plus telephone-event on the first audio stream;
 * every other m-line is rejected with port 0.
 */
export function answerOffer(
  reading: Extract<OfferReading, { ok: true }>,
  local: LocalMediaAddress,
  /** Our last SDP in the dialog: its o= line is kept, the version bumped on change (RFC 3264 §8). */
  previous?: SessionDescription,
): SessionDescription {
  const codec = G711.find((k) => lawOf(k.encodingName) === reading.media.law) ?? G711[0];
  const capability = audioCapability(codec ? [{ encodingName: codec.encodingName, clockRate: 8000 }] : []);
  const { answer } = createAnswer(reading.offer, {
    capabilities: [capability],
    connection: { address: local.address },
    ...(previous ? { previous } : { origin: origin(local.address) }),
    port: (index) => (index === reading.audioIndex ? local.port : 0),
  });
  return answer;
}

/**
 * Our offer in the 200 when the INVITE came without SDP (RFC 3261 §13.2.1 late offer): PCMU and
 * telephone-event 101 only, because the RTP session's payload types are fixed when it opens.
 */
export function localOffer(local: LocalMediaAddress): SessionDescription {
  return createOffer({
    origin: origin(local.address),
    connection: { address: local.address },
    streams: [{ capability: audioCapability(G711.slice(0, 1)), port: local.port }],
  });
}

/** Reads the caller's answer (in the ACK) to our late offer: the G.711 codec it kept. */
export function readAnswer(body: Buffer | string): AnswerReading {
  const answer = parse(body);
  if (typeof answer === 'string') return { ok: false, status: 400, reason: answer };
  const m = answer.media.find((x) => x.media === 'audio' && x.port !== 0);
  const codec = m?.codecs.find((c) => G711.some((k) => codecMatches(c, k)));
  if (!m || !codec) return { ok: false, status: 488, reason: 'Answer has no PCMU/PCMA audio' };
  const te = m.codecs.find((c) => c.encodingName.toLowerCase() === 'telephone-event');
  const address = m.effectiveConnection(answer)?.address;
  return {
    ok: true,
    media: {
      payloadType: codec.payloadType,
      law: lawOf(codec.encodingName),
      ...(te ? { telephoneEventPayloadType: te.payloadType } : {}),
      ...(address !== undefined ? { remote: { address, port: m.port } } : {}),
    },
  };
}

function lawOf(encodingName: string): G711Law {
  return encodingName.toUpperCase() === 'PCMA' ? 'pcma' : 'pcmu';
}
