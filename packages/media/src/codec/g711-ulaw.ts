/**
 * ITU-T G.711 µ-law. The segment/bias arithmetic below follows the recommendation (14-bit linear
 * input, bias 33, 8 segments, all bits inverted on the wire); it runs once at load to fill the two
 * tables the hot paths use: 256 decoded values, and the code for every 14-bit input (16-bit >> 2).
 */
const BIAS = 0x84; // 33 in 14-bit units, scaled to 16-bit input
const CLIP = 32635;

function encodeSample(sample: number): number {
  let s = sample;
  let sign = 0;
  if (s < 0) {
    s = -s;
    sign = 0x80;
  }
  if (s > CLIP) s = CLIP;
  s += BIAS;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  const mantissa = (s >> (exponent + 3)) & 0x0f;
  return ~(sign | (exponent << 4) | mantissa) & 0xff;
}

function decodeByte(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 0x07;
  const magnitude = ((((u & 0x0f) << 3) + BIAS) << exponent) - BIAS;
  return u & 0x80 ? -magnitude : magnitude;
}

const DECODE = new Int16Array(256);
for (let i = 0; i < 256; i++) DECODE[i] = decodeByte(i);

// Indexed by the 14 significant bits of the 16-bit sample (two's complement, offset by 8192).
const ENCODE = new Uint8Array(16384);
for (let i = 0; i < 16384; i++) ENCODE[i] = encodeSample((i - 8192) << 2);

export function ulawEncodeSample(sample: number): number {
  return ENCODE[(sample >> 2) + 8192] ?? 0xff;
}

export function ulawDecodeSample(code: number): number {
  return DECODE[code & 0xff] ?? 0;
}

/** Encodes 16-bit linear PCM to µ-law bytes (into `out` when given). */
export function ulawEncode(samples: Int16Array, out = new Uint8Array(samples.length)): Uint8Array {
  for (let i = 0; i < samples.length; i++) out[i] = ENCODE[((samples[i] ?? 0) >> 2) + 8192] ?? 0xff;
  return out;
}

/** Decodes µ-law bytes to 16-bit linear PCM (into `out` when given). */
export function ulawDecode(codes: Uint8Array, out = new Int16Array(codes.length)): Int16Array {
  for (let i = 0; i < codes.length; i++) out[i] = DECODE[codes[i] ?? 0xff] ?? 0;
  return out;
}
