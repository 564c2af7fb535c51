import type { Rtpmap } from './sdp-types.js';

/** Static RTP payload types (RFC 3551 §6, Tables 4 and 5): used when a format has no a=rtpmap. */
const STATIC: Record<number, [string, number, number?]> = {
  0: ['PCMU', 8000, 1],
  3: ['GSM', 8000, 1],
  4: ['G723', 8000, 1],
  5: ['DVI4', 8000, 1],
  6: ['DVI4', 16000, 1],
  7: ['LPC', 8000, 1],
  8: ['PCMA', 8000, 1],
  9: ['G722', 8000, 1],
  10: ['L16', 44100, 2],
  11: ['L16', 44100, 1],
  12: ['QCELP', 8000, 1],
  13: ['CN', 8000, 1],
  14: ['MPA', 90000],
  15: ['G728', 8000, 1],
  16: ['DVI4', 11025, 1],
  17: ['DVI4', 22050, 1],
  18: ['G729', 8000, 1],
  25: ['CelB', 90000],
  26: ['JPEG', 90000],
  28: ['nv', 90000],
  31: ['H261', 90000],
  32: ['MPV', 90000],
  33: ['MP2T', 90000],
  34: ['H263', 90000],
};

/** The rtpmap implied by a static payload type, or undefined for dynamic/unassigned ones. */
export function staticRtpmap(payloadType: number): Rtpmap | undefined {
  const s = STATIC[payloadType];
  if (!s) return undefined;
  // Channels are implied (1 for audio); leave them out so the result formats like an explicit rtpmap.
  return { payloadType, encodingName: s[0], clockRate: s[1] };
}

/** Payload types 96–127 are dynamic (RFC 3551 §3); their meaning comes only from a=rtpmap. */
export function isDynamicPayloadType(payloadType: number): boolean {
  return payloadType >= 96 && payloadType <= 127;
}

/** The static payload type of a codec (RFC 3551), or undefined if it has none. */
export function staticPayloadTypeOf(
  encodingName: string,
  clockRate: number,
  channels = 1,
): number | undefined {
  const name = encodingName.toLowerCase();
  for (const [pt, [n, rate, ch]] of Object.entries(STATIC)) {
    if (n.toLowerCase() === name && rate === clockRate && (ch ?? 1) === channels) return Number(pt);
  }
  return undefined;
}
