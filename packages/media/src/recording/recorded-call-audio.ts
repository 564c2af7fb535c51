import { g711Decode, g711LawOfPayloadType, G711_CLOCK_RATE } from '../codec/g711.js';
import { decodeRtpPacket, isRtcpPacket } from '../rtp/rtp-packet.js';
import type { CapturedDatagram } from './pcap-reader.js';

/** Which channel a captured datagram's audio belongs to, or undefined to leave it out. */
export type ChannelOf = (datagram: CapturedDatagram) => number | undefined;

export interface RecordedCallAudio {
  readonly sampleRate: number;
  /** One track per channel, all of one length, silence where a party sent nothing. */
  readonly channels: Int16Array[];
  /** Capture time of the first sample (Unix ms); undefined when no audio was found. */
  readonly startedAtMs: number | undefined;
  /** G.711 packets placed, per channel. */
  readonly packets: number[];
  /** RTP packets left out: other payload types (RFC 4733 events, comfort noise, other codecs) or past the length cap. */
  readonly skipped: number;
}

export interface RecordedCallAudioOptions {
  readonly channelCount: number;
  readonly channelOf: ChannelOf;
  /** Longest audio kept (default 4 h); later packets are skipped. */
  readonly maxSeconds?: number;
}

interface Frame {
  readonly timeMs: number;
  readonly ssrc: number;
  readonly timestamp: number;
  readonly samples: Int16Array;
}

/** A stream whose RTP timestamps drift this far from its capture times is re-anchored (a jump). */
const RESYNC_SAMPLES = G711_CLOCK_RATE;

/**
 * The audio of a recorded call from its captured RTP (as rtpengine's pcap recording holds it): each
 * party's G.711 packets (RFC 3551 payload types 0 and 8) decoded onto its own channel. A packet's
 * place is its stream's RTP timestamp (RFC 3550 §5.1: the sampling instant) counted from where that
 * SSRC was first captured, so network jitter does not smear the audio; a new SSRC (re-INVITE,
 * hold/resume, a phone's restart) or a timestamp jump of more than a second starts again from its
 * capture time. RTCP, events and other codecs are skipped, never decoded as noise.
 */
export function decodeRecordedCall(
  datagrams: Iterable<CapturedDatagram>,
  options: RecordedCallAudioOptions,
): RecordedCallAudio {
  const frames: Frame[][] = Array.from({ length: options.channelCount }, () => []);
  let skipped = 0;
  let start = Number.POSITIVE_INFINITY;
  for (const datagram of datagrams) {
    const channel = options.channelOf(datagram);
    if (channel === undefined || channel < 0 || channel >= options.channelCount) continue;
    if (datagram.payload.length < 12 || isRtcpPacket(datagram.payload)) continue;
    const frame = g711Frame(datagram);
    if (!frame) {
      skipped += 1;
      continue;
    }
    frames[channel]?.push(frame);
    start = Math.min(start, datagram.timeMs);
  }
  const maxSamples = Math.round((options.maxSeconds ?? 4 * 3600) * G711_CLOCK_RATE);
  const placed = frames.map((list) => place(list, start, maxSamples));
  const length = Math.max(0, ...placed.map((p) => p.end));
  const channels = placed.map((p) => {
    const track = new Int16Array(length);
    for (const { at, samples } of p.writes) track.set(samples, at);
    return track;
  });
  return {
    sampleRate: G711_CLOCK_RATE,
    channels,
    startedAtMs: Number.isFinite(start) ? start : undefined,
    packets: placed.map((p) => p.writes.length),
    skipped: skipped + placed.reduce((n, p) => n + p.dropped, 0),
  };
}

function g711Frame(datagram: CapturedDatagram): Frame | undefined {
  let packet;
  try {
    packet = decodeRtpPacket(datagram.payload);
  } catch {
    return undefined; // not RTP
  }
  const law = g711LawOfPayloadType(packet.payloadType);
  if (!law || packet.payload.length === 0) return undefined;
  return {
    timeMs: datagram.timeMs,
    ssrc: packet.ssrc,
    timestamp: packet.timestamp,
    samples: g711Decode(law, packet.payload),
  };
}

interface Placement {
  readonly writes: { at: number; samples: Int16Array }[];
  readonly end: number;
  readonly dropped: number;
}

function place(frames: readonly Frame[], start: number, maxSamples: number): Placement {
  const anchors = new Map<number, { at: number; timestamp: number }>();
  const writes: { at: number; samples: Int16Array }[] = [];
  let end = 0;
  let dropped = 0;
  for (const frame of frames) {
    const captured = Math.round(((frame.timeMs - start) * G711_CLOCK_RATE) / 1000);
    let anchor = anchors.get(frame.ssrc);
    // 32-bit timestamp arithmetic: the signed distance survives a wrap.
    let at = anchor ? anchor.at + ((frame.timestamp - anchor.timestamp) | 0) : captured;
    if (!anchor || Math.abs(at - captured) > RESYNC_SAMPLES) {
      anchor = { at: captured, timestamp: frame.timestamp };
      anchors.set(frame.ssrc, anchor);
      at = captured;
    }
    if (at < 0 || at + frame.samples.length > maxSamples) {
      dropped += 1;
      continue;
    }
    writes.push({ at, samples: frame.samples });
    end = Math.max(end, at + frame.samples.length);
  }
  return { writes, end, dropped };
}
