/** 16-bit RTP sequence arithmetic (RFC 3550 §A.1 works modulo RTP_SEQ_MOD = 2^16). */
export const RTP_SEQ_MOD = 0x10000;

/** Signed distance from `a` to `b` on the 16-bit circle, in [-32768, 32767]. */
export function sequenceDelta(a: number, b: number): number {
  const d = (b - a) & 0xffff;
  return d >= 0x8000 ? d - RTP_SEQ_MOD : d;
}

/**
 * Extends a 16-bit sequence number to the 32-bit value nearest to `reference` (an extended number
 * already seen), so packets reordered across a wrap still sort correctly.
 */
export function extendSequence(seq: number, reference: number): number {
  return reference + sequenceDelta(reference & 0xffff, seq);
}
