import { MediaDescription } from '../model/media-description.js';
import { formatRtpmap } from '../model/sdp-fields.js';
import { SdpValueError } from '../model/sdp-parse-error.js';
import { SessionDescription } from '../model/session-description.js';
import type { Rtpmap } from '../model/sdp-types.js';
import { staticPayloadTypeOf } from '../model/static-payload-types.js';
import type { LocalConnection, LocalOrigin, MediaCapability } from './media-capability.js';
import { applySessionVersion } from './session-version.js';

/** One stream to offer. */
export interface OfferStream {
  capability: MediaCapability;
  /** Local port; 0 offers the stream disabled. */
  port: number;
  /** a=mid to write (RFC 5888). */
  mid?: string;
  /** Media-level c= when this stream uses another address than the session's. */
  connection?: LocalConnection;
}

export interface OfferOptions {
  origin: LocalOrigin;
  connection: LocalConnection;
  streams: readonly OfferStream[];
  sessionName?: string;
}

const DEFAULT_TELEPHONE_EVENT_PT = 101;

/** An initial offer (RFC 3264 §5): one m-line per stream, in the order given. */
export function createOffer(options: OfferOptions): SessionDescription {
  const o = options.origin;
  const sdp = SessionDescription.create({
    origin: {
      username: o.username ?? '-',
      sessionId: o.sessionId,
      sessionVersion: o.sessionVersion ?? BigInt(o.sessionId),
      netType: 'IN',
      addrType: o.addrType ?? 'IP4',
      address: o.address,
    },
    sessionName: options.sessionName ?? '-',
    connection: `IN ${options.connection.addrType ?? 'IP4'} ${options.connection.address}`,
  });
  for (const s of options.streams) sdp.addMedia(buildMediaSection(s));
  return sdp;
}

/**
 * A new offer in an existing session (RFC 3264 §8): a copy of our previous description edited by
 * `edit` (with {@link addStream}, {@link removeStream}, {@link holdStream}, typed setters, …).
 * The o= line is kept and its version incremented only if something changed.
 */
export function createReoffer(
  previous: SessionDescription,
  edit: (draft: SessionDescription) => void,
): SessionDescription {
  const draft = previous.clone();
  edit(draft);
  return applySessionVersion(previous, draft);
}

/** Appends a new stream at the end (RFC 3264 §8.1). Returns the new media description. */
export function addStream(draft: SessionDescription, stream: OfferStream): MediaDescription {
  return draft.addMedia(buildMediaSection(stream));
}

/**
 * Removes stream `index` by setting its port to 0 (RFC 3264 §8.2): the m-line keeps its place so
 * later streams keep their positions; its attributes are dropped and one format is kept.
 */
export function removeStream(draft: SessionDescription, index: number): void {
  const m = draft.media[index];
  if (!m) throw new SdpValueError(`no media description at index ${index}`);
  const ml = m.mediaLine;
  m.lines.length = 0;
  m.lines.push(`m=${ml.media} 0 ${ml.protocol}${ml.formats.length ? ' ' + (ml.formats[0] ?? '') : ''}`);
}

/**
 * Puts stream `index` (or all enabled streams) on hold (RFC 3264 §8.4): sendrecv becomes
 * sendonly, recvonly becomes inactive.
 */
export function holdStream(draft: SessionDescription, index?: number): void {
  for (const m of selectStreams(draft, index)) {
    const d = m.effectiveDirection(draft);
    m.direction = d === 'sendrecv' || d === 'sendonly' ? 'sendonly' : 'inactive';
  }
}

/** Takes stream `index` (or all enabled streams) off hold: back to `direction` (default sendrecv). */
export function resumeStream(
  draft: SessionDescription,
  index?: number,
  direction: 'sendrecv' | 'recvonly' = 'sendrecv',
): void {
  for (const m of selectStreams(draft, index)) m.direction = direction;
}

function selectStreams(draft: SessionDescription, index: number | undefined): MediaDescription[] {
  if (index === undefined) return draft.media.filter((m) => !m.isDisabled);
  const m = draft.media[index];
  if (!m) throw new SdpValueError(`no media description at index ${index}`);
  return [m];
}

/** The m-section for one offered stream. */
export function buildMediaSection(stream: OfferStream): MediaDescription {
  const cap = stream.capability;
  const protocol = cap.protocols[0];
  if (!protocol) throw new SdpValueError(`capability for ${cap.media} lists no protocol`);
  const lines: string[] = [];
  if (stream.connection)
    lines.push(`c=IN ${stream.connection.addrType ?? 'IP4'} ${stream.connection.address}`);
  let formats: string[];
  if (protocol.includes('RTP/')) {
    formats = offerCodecLines(cap, lines);
    if (cap.ptime !== undefined) lines.push(`a=ptime:${cap.ptime}`);
    if (cap.maxptime !== undefined) lines.push(`a=maxptime:${cap.maxptime}`);
    if (cap.rtcpMux === true) lines.push('a=rtcp-mux');
  } else {
    formats = (cap.formats ?? []).filter((f) => f !== '*');
  }
  if (formats.length === 0) throw new SdpValueError(`capability for ${cap.media} has no format to offer`);
  if (stream.mid !== undefined) lines.push(`a=mid:${stream.mid}`);
  for (const a of cap.attributes ?? []) lines.push(`a=${a}`);
  if (cap.direction && cap.direction !== 'sendrecv') lines.push(`a=${cap.direction}`);
  return MediaDescription.create({ media: cap.media, port: stream.port, protocol, formats }, lines);
}

/** Writes rtpmap/fmtp/rtcp-fb lines and returns the payload types in preference order. */
function offerCodecLines(cap: MediaCapability, lines: string[]): string[] {
  const used = new Set<number>();
  const pts: number[] = [];
  let nextDynamic = 96;
  const allocate = (wanted: number | undefined): number => {
    if (wanted !== undefined && !used.has(wanted)) return wanted;
    while (used.has(nextDynamic) || nextDynamic === DEFAULT_TELEPHONE_EVENT_PT) nextDynamic++;
    if (nextDynamic > 127) throw new SdpValueError(`too many dynamic payload types for ${cap.media}`);
    return nextDynamic;
  };
  const add = (
    r: Omit<Rtpmap, 'payloadType'>,
    wanted: number | undefined,
    fmtp?: string,
    fb?: readonly string[],
  ) => {
    const pt = allocate(wanted);
    used.add(pt);
    pts.push(pt);
    lines.push(`a=rtpmap:${formatRtpmap({ payloadType: pt, ...r })}`);
    if (fmtp !== undefined) lines.push(`a=fmtp:${pt} ${fmtp}`);
    for (const f of fb ?? []) lines.push(`a=rtcp-fb:${pt} ${f}`);
  };
  for (const c of cap.codecs ?? []) {
    const r: Omit<Rtpmap, 'payloadType'> = { encodingName: c.encodingName, clockRate: c.clockRate };
    if (c.channels !== undefined) r.channels = c.channels;
    add(r, c.payloadType ?? staticPayloadTypeOf(c.encodingName, c.clockRate, c.channels), c.fmtp, c.feedback);
  }
  const te = cap.telephoneEvent;
  if (te) {
    const opts = te === true ? {} : te;
    for (const rate of opts.clockRates ?? [8000]) {
      add(
        { encodingName: 'telephone-event', clockRate: rate },
        opts.payloadType ?? DEFAULT_TELEPHONE_EVENT_PT,
        '0-16',
      );
    }
  }
  return pts.map(String);
}
