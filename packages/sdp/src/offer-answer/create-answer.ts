import { MediaDescription } from '../model/media-description.js';
import { formatRtpmap } from '../model/sdp-fields.js';
import { SdpValueError } from '../model/sdp-parse-error.js';
import { SessionDescription } from '../model/session-description.js';
import type { Codec, Direction } from '../model/sdp-types.js';
import { codecMatches, isTelephoneEvent } from './codec-match.js';
import { answerDirection, detectHold } from './direction.js';
import type { LocalConnection, LocalOrigin, MediaCapability } from './media-capability.js';
import type { NegotiatedStream } from './negotiation-types.js';
import { applySessionVersion } from './session-version.js';

export interface AnswerOptions {
  /** What this endpoint supports; the first capability with the offered media type and protocol is used. */
  capabilities: readonly MediaCapability[];
  /** Address written in the answer's session-level c= line. */
  connection: LocalConnection;
  /** Local port for the accepted stream at `index` (called only for streams that are accepted). */
  port: (index: number, offered: MediaDescription) => number;
  /** Our o= identity for the first answer of a dialog. */
  origin?: LocalOrigin;
  /** Our previous description in this dialog: its o= is kept and the version bumped only on change (RFC 3264 §8). */
  previous?: SessionDescription;
  /** s= value; defaults to the previous one or '-'. */
  sessionName?: string;
  /** 'offer' (default) lists codecs in the offerer's order; 'local' in the capability order. */
  codecOrder?: 'offer' | 'local';
}

export interface AnswerResult {
  answer: SessionDescription;
  streams: NegotiatedStream[];
}

/**
 * Answers an offer from local capabilities (RFC 3264 §6): the same number and order of m-lines;
 * a stream offered with port 0, of an unsupported media type or protocol, or without a common
 * format is rejected with port 0; RTP codecs keep the offerer's payload type numbers (§6.1);
 * telephone-event is kept when supported; the direction is the complement of the offered one,
 * limited by the local intent.
 */
export function createAnswer(offer: SessionDescription, options: AnswerOptions): AnswerResult {
  const answer = newSession(options);
  const streams: NegotiatedStream[] = [];
  offer.media.forEach((offered, index) => {
    const { media, stream } = answerStream(offer, offered, index, options);
    answer.addMedia(media);
    streams.push(stream);
  });
  if (options.previous) applySessionVersion(options.previous, answer);
  return { answer, streams };
}

function newSession(options: AnswerOptions): SessionDescription {
  const addrType = options.connection.addrType ?? 'IP4';
  const connection = `IN ${addrType} ${options.connection.address}`;
  const sessionName = options.sessionName ?? options.previous?.sessionName ?? '-';
  if (options.previous) {
    return SessionDescription.create({ origin: options.previous.origin, sessionName, connection });
  }
  const o = options.origin;
  if (!o) throw new SdpValueError('createAnswer needs either options.origin or options.previous');
  return SessionDescription.create({
    origin: {
      username: o.username ?? '-',
      sessionId: o.sessionId,
      sessionVersion: o.sessionVersion ?? BigInt(o.sessionId),
      netType: 'IN',
      addrType: o.addrType ?? 'IP4',
      address: o.address,
    },
    sessionName,
    connection,
  });
}

function answerStream(
  offer: SessionDescription,
  offered: MediaDescription,
  index: number,
  options: AnswerOptions,
): { media: MediaDescription; stream: NegotiatedStream } {
  const m = offered.mediaLine;
  const remoteAddress = offered.effectiveConnection(offer)?.address;
  const base: NegotiatedStream = {
    index,
    media: m.media,
    protocol: m.protocol,
    accepted: false,
    codecs: [],
    formats: [],
    direction: 'inactive',
    remoteHold: detectHold(offered, offer),
    remotePort: m.port,
  };
  if (remoteAddress !== undefined) base.remoteAddress = remoteAddress;
  const reject = (reason: NonNullable<NegotiatedStream['rejectReason']>) => ({
    // RFC 3264 §6: a rejected stream keeps its m-line with port 0 and at least one offered format.
    media: MediaDescription.create({
      media: m.media,
      port: 0,
      protocol: m.protocol,
      formats: m.formats.slice(0, 1),
    }),
    stream: { ...base, rejectReason: reason },
  });
  if (m.port === 0) return reject('disabled-in-offer');
  const sameMedia = options.capabilities.filter((c) => c.media === m.media);
  if (sameMedia.length === 0) return reject('unsupported-media');
  const cap = sameMedia.find((c) => c.protocols.includes(m.protocol));
  if (!cap) return reject('unsupported-protocol');

  const offeredDirection = offered.effectiveDirection(offer);
  const direction = answerDirection(offeredDirection, cap.direction);
  const lines: string[] = [];
  const stream: NegotiatedStream = { ...base, accepted: true, direction };
  if (offered.isRtp) {
    const chosen = chooseCodecs(offered, cap, options.codecOrder ?? 'offer');
    if (chosen.length === 0) return reject('no-common-format');
    stream.codecs = chosen;
    const te = chosen.find((c) => isTelephoneEvent(c.encodingName));
    if (te) stream.telephoneEventPayloadType = te.payloadType;
    rtpLines(lines, chosen, offered, cap);
  } else {
    const accepted = cap.formats ?? [];
    const formats = m.formats.filter((f) => accepted.includes('*') || accepted.includes(f));
    if (formats.length === 0) return reject('no-common-format');
    stream.formats = formats;
    for (const f of offered.getAttributes('fmtp'))
      if (formats.includes(f.slice(0, f.indexOf(' ')))) lines.push(`a=fmtp:${f}`);
  }
  commonLines(lines, offered, offer, cap, direction);
  const formats = offered.isRtp ? stream.codecs.map((c) => String(c.payloadType)) : stream.formats;
  const port = options.port(index, offered);
  const media = MediaDescription.create({ media: m.media, port, protocol: m.protocol, formats }, lines);
  return { media, stream };
}

/** Offered codecs the capability supports, keeping the offerer's payload types (RFC 3264 §6.1). */
function chooseCodecs(offered: MediaDescription, cap: MediaCapability, order: 'offer' | 'local'): Codec[] {
  const caps = cap.codecs ?? [];
  const ranked: { codec: Codec; rank: number }[] = [];
  const te: Codec[] = [];
  for (const c of offered.codecs) {
    if (isTelephoneEvent(c.encodingName)) {
      if (cap.telephoneEvent) te.push(c);
      continue;
    }
    const rank = caps.findIndex((k) => codecMatches(c, k));
    if (rank < 0) continue;
    const k = caps[rank];
    // The answerer states what it wants to receive: its own fmtp when configured, else the offered one.
    const fmtp =
      k?.fmtp !== undefined ? { format: String(c.payloadType), value: k.fmtp, params: new Map() } : c.fmtp;
    const codec: Codec = { ...c };
    if (fmtp) codec.fmtp = fmtp;
    ranked.push({ codec, rank });
  }
  if (order === 'local') ranked.sort((a, b) => a.rank - b.rank);
  const chosen = ranked.map((r) => r.codec);
  // RFC 4733 §2.5.1: telephone-event at the clock rate of a chosen codec; alone, it makes a DTMF-only stream.
  const rates = new Set(chosen.map((c) => c.clockRate));
  const events = chosen.length ? te.filter((c) => rates.has(c.clockRate)) : te;
  return [...chosen, ...events];
}

function rtpLines(
  lines: string[],
  chosen: readonly Codec[],
  offered: MediaDescription,
  cap: MediaCapability,
): void {
  for (const c of chosen) {
    const rtpmap = { payloadType: c.payloadType, encodingName: c.encodingName, clockRate: c.clockRate };
    lines.push(
      `a=rtpmap:${formatRtpmap(c.channels === undefined ? rtpmap : { ...rtpmap, channels: c.channels })}`,
    );
    if (c.fmtp) lines.push(`a=fmtp:${c.payloadType} ${c.fmtp.value}`);
  }
  const wanted = new Set(cap.codecs?.flatMap((k) => k.feedback ?? []) ?? []);
  const pts = new Set(chosen.map((c) => String(c.payloadType)));
  for (const fb of offered.getAttributes('rtcp-fb')) {
    const sp = fb.indexOf(' ');
    const fmt = fb.slice(0, sp);
    if ((fmt === '*' || pts.has(fmt)) && wanted.has(fb.slice(sp + 1))) lines.push(`a=rtcp-fb:${fb}`);
  }
  if (cap.ptime !== undefined) lines.push(`a=ptime:${cap.ptime}`);
  if (cap.maxptime !== undefined) lines.push(`a=maxptime:${cap.maxptime}`);
  if (offered.rtcpMux && cap.rtcpMux !== false) lines.push('a=rtcp-mux');
}

function commonLines(
  lines: string[],
  offered: MediaDescription,
  offer: SessionDescription,
  cap: MediaCapability,
  direction: Direction,
): void {
  const mid = offered.mid;
  if (mid !== undefined) lines.push(`a=mid:${mid}`); // RFC 5888 §9.1: the answer uses the offered mid.
  for (const a of cap.attributes ?? []) lines.push(`a=${a}`);
  // Write the direction when it is not the default, or when the offer wrote one (as RFC 3264 §10.2 does).
  const offerWroteDirection = offered.direction !== undefined || offer.direction !== undefined;
  if (direction !== 'sendrecv' || offerWroteDirection) lines.push(`a=${direction}`);
}
