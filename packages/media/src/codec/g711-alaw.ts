/**
 * ITU-T G.711 A-law. Segment arithmetic per the recommendation (13-bit linear input, 8 segments,
 * even bits inverted with 0x55 on the wire), run once at load to fill a 256-entry decode table
 * and an encode table for every 13-bit input (16-bit >> 3).
 */
function encodeSample(sample: number): number {
  let pcm = sample >> 3; // 13 significant bits
  let mask: number;
  if (pcm >= 0) {
    mask = 0xd5; // sign bit set (positive) with the 0x55 inversion
  } else {
    mask = 0x55;
    pcm = -pcm - 1;
  }
  if (pcm > 0xfff) pcm = 0xfff;
  let segment = 0;
  for (let v = pcm >> 5; v > 0; v >>= 1) segment++;
  const mantissa = segment === 0 ? (pcm >> 1) & 0x0f : (pcm >> segment) & 0x0f;
  return ((segment << 4) | mantissa) ^ mask;
}

function decodeByte(code: number): number {
  const a = code ^ 0x55;
  const segment = (a >> 4) & 0x07;
  const mantissa = a & 0x0f;
  // Reconstruct at the middle of the quantisation interval, then scale 13-bit back to 16-bit.
  let magnitude = segment === 0 ? (mantissa << 4) + 8 : ((mantissa << 4) + 0x108) << (segment - 1);
  if (!(a & 0x80)) magnitude = -magnitude;
  return magnitude;
}

const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = decodeByte(i);

const ENCODE = new Uint8Array(8192);
for (let i = 0; i < 8192; i++) ENCODE[i] = encodeSample((i - 4096) << 3);

export function alawEncodeSample(sample: number): number {
  return ENCODE[(sample >> 3) + 4096] ?? 0xd5;
}

export function alawDecodeSample(code: number): number {
  return DECODE[code & 0xff] ?? 0;
}

/** Encodes 16-bit linear PCM to A-law bytes (into `out` when given). */
export function alawEncode(samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = ENCODE[((samples[i] ?? 0) >> 3) + 4096] ?? 0xd5;
  return out;
}

/** Decodes A-law bytes to 16-bit linear PCM (into `out` when given). */
export function alawDecode(codes: Uint8Array, out = new Int16Array(codes.length)): Int16Array {
  for (let i = 0; i < codes.length; i++) out[i] = DECODE[codes[i] ?? 0xd5] ?? 0;
  return out;
}
