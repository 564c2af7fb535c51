import { alawDecode, alawEncode } from './g711-alaw.js';
import { ulawDecode, ulawEncode } from './g711-ulaw.js';

export type G711Law = 'pcmu' | 'pcma';

/** RFC 3551 §6 static payload types and 8 kHz clock of the two G.711 laws. */
export const G711_PAYLOAD_TYPE: Readonly<Record<G711Law, number>> = { pcmu: 0, pcma: 8 };
export const G711_CLOCK_RATE = 8000;
/** Samples (= bytes) in one 20 ms G.711 frame. */
export const G711_FRAME_SAMPLES = 160;

export function g711Encode(law: G711Law, samples: Int16Array): Uint8Array {
  return law === 'pcmu' ? ulawEncode(samples) : alawEncode(samples);
}

export function g711Decode(law: G711Law, codes: Uint8Array): Int16Array {
  return law === 'pcmu' ? ulawDecode(codes) : alawDecode(codes);
}

/** The law a static payload type carries, or undefined for anything else. */
export function g711LawOfPayloadType(pt: number): G711Law | undefined {
  return pt === 0 ? 'pcmu' : pt === 8 ? 'pcma' : undefined;
}
