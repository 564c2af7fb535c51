import type { RtpPacketInit } from '../rtp/rtp-packet.js';
import { DtmfError } from '../errors.js';
import { dtmfEventCode, encodeTelephoneEvents } from './telephone-event.js';

export interface DtmfDigitOptions {
  digit: string;
  /** Tone length (default 100 ms). */
  durationMs?: number;
  /** Power in -dBm0, 0-63 (default 10). */
  volume?: number;
  /** Time between packets (default 20 ms, the audio packetisation). */
  packetIntervalMs?: number;
  /** Clock rate negotiated for telephone-event (default 8000). */
  clockRate?: number;
  /** Times the final packet is sent (default 3, RFC 4733 §2.5.1.4). */
  endPackets?: number;
}

/** One packet of the sequence: when to send it (ms after the first) and the fields that vary. */
export interface DtmfPacketPlan {
  offsetMs: number;
  marker: boolean;
  payload: Uint8Array;
}

/**
 * The RFC 4733 packet sequence for one digit, without RTP header numbering (the session adds
 * sequence numbers, SSRC and the event's timestamp, which is the same in every packet, §2.3.1):
 * the first packet has the marker bit (§2.5.1.2), each following one reports the duration so far,
 * and the final duration is sent `endPackets` times with the E bit set (§2.5.1.4).
 */
export function planDtmfDigit(options: DtmfDigitOptions): DtmfPacketPlan[] {
  const event = dtmfEventCode(options.digit);
  const durationMs = options.durationMs ?? 100;
  const interval = options.packetIntervalMs ?? 20;
  const rate = options.clockRate ?? 8000;
  const volume = options.volume ?? 10;
  const endPackets = options.endPackets ?? 3;
  const total = Math.round((durationMs * rate) / 1000);
  const step = Math.round((interval * rate) / 1000);
  if (total <= 0 || total > 0xffff || step <= 0 || endPackets < 1) {
    throw new DtmfError('DTMF_BAD_PAYLOAD', `cannot send a ${durationMs} ms digit in ${interval} ms packets`);
  }
  const plans: DtmfPacketPlan[] = [];
  let k = 0;
  for (let duration = step; duration < total; duration += step, k++) {
    plans.push({
      offsetMs: k * interval,
      marker: k === 0,
      payload: encodeTelephoneEvents([{ event, end: false, volume, duration }]),
    });
  }
  const endPayload = encodeTelephoneEvents([{ event, end: true, volume, duration: total }]);
  for (let r = 0; r < endPackets; r++, k++) {
    plans.push({ offsetMs: k * interval, marker: k === 0, payload: endPayload });
  }
  return plans;
}

/** The full RTP packets for a digit, numbered from `sequenceNumber` (mod 2^16) at one timestamp. */
export function dtmfDigitPackets(
  options: DtmfDigitOptions & {
    payloadType: number;
    ssrc: number;
    timestamp: number;
    sequenceNumber: number;
  },
): { offsetMs: number; packet: RtpPacketInit }[] {
  return planDtmfDigit(options).map((plan, i) => ({
    offsetMs: plan.offsetMs,
    packet: {
      marker: plan.marker,
      payloadType: options.payloadType,
      sequenceNumber: (options.sequenceNumber + i) & 0xffff,
      timestamp: options.timestamp >>> 0,
      ssrc: options.ssrc,
      payload: plan.payload,
    },
  }));
}
