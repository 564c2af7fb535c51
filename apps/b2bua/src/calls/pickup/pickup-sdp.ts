import {
  createAnswer,
  parseSdp,
  serializeSdp,
  type MediaCapability,
  type MediaDescription,
  type SessionDescription,
} from '@switchboard/sdp';
import type { SessionBody } from '../legs/caller-leg.js';

/** The two answers of a pickup: each party's offer answered from the other's. */
export type CrossedAnswers =
  | { readonly ok: true; readonly toCaller: SessionBody; readonly toPicker: SessionBody }
  | { readonly ok: false; readonly reason: string };

const SDP = 'application/sdp';

/**
 * Call pickup's offer/answer (RFC 3264): the ringing caller's INVITE carries its offer, the picker's
 * INVITE carries another one, and both wait for an answer in a 2xx. Each party gets an answer to its
 * OWN offer built from what the OTHER offered (createAnswer, §6): the same m-lines in the same order,
 * the other party's address and port, the codecs both offered with the same payload type (a codec
 * whose number differs is left out: nothing between the phones renumbers RTP), and the other
 * party's direction. Media then flows directly between caller and picker; a later re-INVITE from
 * either is relayed by the bridge as usual.
 */
export function crossOffers(
  callerOffer: SessionBody | undefined,
  pickerOffer: SessionBody | undefined,
): CrossedAnswers {
  if (!pickerOffer) return { ok: false, reason: 'picker sent no SDP offer' };
  if (!callerOffer) return { ok: false, reason: 'ringing caller sent no SDP offer' };
  let caller: SessionDescription;
  let picker: SessionDescription;
  try {
    caller = parseSdp(callerOffer.content.toString('utf8'));
    picker = parseSdp(pickerOffer.content.toString('utf8'));
  } catch {
    return { ok: false, reason: 'unreadable SDP offer' };
  }
  const toCaller = answerFrom(caller, picker);
  const toPicker = answerFrom(picker, caller);
  if (!toCaller || !toPicker) return { ok: false, reason: 'no common media with the same payload types' };
  return {
    ok: true,
    toCaller: { contentType: SDP, content: Buffer.from(serializeSdp(toCaller)) },
    toPicker: { contentType: SDP, content: Buffer.from(serializeSdp(toPicker)) },
  };
}

/** `offer` answered in `other`'s name; undefined when no stream could be accepted. */
function answerFrom(offer: SessionDescription, other: SessionDescription): SessionDescription | undefined {
  const pairs = pairStreams(offer, other);
  const first = pairs.find((p) => p !== undefined);
  const connection = first?.effectiveConnection(other);
  if (!first || !connection) return undefined;
  const { answer, streams } = createAnswer(offer, {
    capabilities: offer.media.map((m, i) => capabilityOf(m, pairs[i], other)),
    connection: { address: connection.address, addrType: connection.addrType === 'IP6' ? 'IP6' : 'IP4' },
    port: (index) => pairs[index]?.port ?? 0,
    origin: {
      username: other.origin.username,
      sessionId: other.origin.sessionId,
      sessionVersion: other.origin.sessionVersion,
      address: other.origin.address,
      addrType: other.origin.addrType === 'IP6' ? 'IP6' : 'IP4',
    },
    sessionName: other.sessionName,
  });
  return streams.some((s) => s.accepted && s.remotePort !== 0) ? answer : undefined;
}

/**
 * For each m-line of `offer`, the m-line of `other` that plays it: the next unused one of the same
 * media type and protocol, with a port (undefined: none, the stream is refused with port 0).
 */
function pairStreams(offer: SessionDescription, other: SessionDescription): (MediaDescription | undefined)[] {
  const used = new Set<number>();
  return offer.media.map((m) => {
    const i = other.media.findIndex(
      (o, k) => !used.has(k) && o.port !== 0 && o.media === m.media && o.protocol === m.protocol,
    );
    if (i < 0) return undefined;
    used.add(i);
    return other.media[i];
  });
}

/**
 * What the other party can do on the stream paired with `offered`: its codecs that the offer lists
 * under the same payload type, its telephone-event, its direction. A placeholder nobody matches when
 * unpaired (createAnswer then refuses that stream with port 0, §6).
 */
function capabilityOf(
  offered: MediaDescription,
  paired: MediaDescription | undefined,
  other: SessionDescription,
): MediaCapability {
  if (!paired) return { media: `unpaired-${offered.media}`, protocols: [] };
  const offeredPts = new Map(offered.codecs.map((c) => [c.payloadType, c]));
  const codecs = paired.codecs.filter((c) => {
    const same = offeredPts.get(c.payloadType);
    return same !== undefined && same.encodingName.toLowerCase() === c.encodingName.toLowerCase();
  });
  const events = codecs.filter((c) => c.encodingName.toLowerCase() === 'telephone-event');
  return {
    media: paired.media,
    protocols: [paired.protocol],
    codecs: codecs
      .filter((c) => !events.includes(c))
      .map((c) => ({
        encodingName: c.encodingName,
        clockRate: c.clockRate,
        ...(c.channels === undefined ? {} : { channels: c.channels }),
      })),
    formats: paired.isRtp ? [] : paired.formats,
    telephoneEvent: events.length > 0,
    direction: paired.effectiveDirection(other),
    ...(paired.ptime === undefined ? {} : { ptime: paired.ptime }),
    rtcpMux: paired.rtcpMux,
  };
}
