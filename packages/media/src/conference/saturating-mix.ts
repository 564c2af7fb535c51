/** Clamps a sum to the 16-bit range: a loud moment saturates instead of wrapping into noise. */
export function saturate16(value: number): number {
  return value > 32767 ? 32767 : value < -32768 ? -32768 : value;
}

/**
 * One participant's output frame: the room's total minus its own contribution ("mix-minus", so
 * nobody hears themselves), plus whatever the room plays to it (tones), saturated per sample.
 * `total` is summed in 32 bits, so 32 full-scale talkers cannot overflow before the clamp.
 */
export function mixMinus(
  total: Int32Array,
  own: Int16Array | undefined,
  extra: Int16Array | undefined,
  out: Int16Array,
): void {
  const n = out.length;
  for (let i = 0; i < n; i++) {
    const v = (total[i] ?? 0) - (own ? (own[i] ?? 0) : 0) + (extra ? (extra[i] ?? 0) : 0);
    out[i] = v > 32767 ? 32767 : v < -32768 ? -32768 : v;
  }
}

/** Adds a frame into the running total. */
export function accumulate(total: Int32Array, frame: Int16Array): void {
  const n = total.length;
  for (let i = 0; i < n; i++) total[i] = (total[i] ?? 0) + (frame[i] ?? 0);
}
