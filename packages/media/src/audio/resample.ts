import { MediaError } from '../errors.js';

export interface ResampleOptions {
  /** Filter half-length in output-rate samples (default 16); longer is sharper and slower. */
  halfTaps?: number;
}

function sinc(x: number): number {
  return x === 0 ? 1 : Math.sin(Math.PI * x) / (Math.PI * x);
}

/**
 * Band-limited sample-rate conversion of 16-bit mono audio with a Hann-windowed sinc filter.
 * When decimating (e.g. 22 050 Hz speech to 8 kHz telephone audio) the cutoff sits just below the
 * new Nyquist frequency, so content the new rate cannot carry is filtered out rather than aliased.
 * Computed directly (no polyphase tables): meant for prompts and uploaded greetings, not per packet.
 */
export function resample(
  samples: Int16Array,
  fromRate: number,
  toRate: number,
  options: ResampleOptions = {},
): Int16Array {
  for (const [name, rate] of [
    ['source', fromRate],
    ['target', toRate],
  ] as const) {
    if (!Number.isFinite(rate) || rate <= 0)
      throw new MediaError('WAV_BAD_INPUT', `${name} rate ${rate} is invalid`);
  }
  if (fromRate === toRate) return samples.slice();
  const ratio = toRate / fromRate;
  const scale = Math.min(1, ratio);
  // Cutoff as a fraction of the input Nyquist frequency, with 5 % of transition band.
  const cutoff = scale * 0.95;
  const half = Math.ceil((options.halfTaps ?? 16) / scale);
  const out = new Int16Array(Math.floor(samples.length * ratio));
  for (let i = 0; i < out.length; i++) {
    const t = i / ratio;
    const center = Math.floor(t);
    let acc = 0;
    for (let k = Math.max(0, center - half + 1); k <= Math.min(samples.length - 1, center + half); k++) {
      const d = t - k;
      const window = 0.5 + 0.5 * Math.cos((Math.PI * d) / half);
      acc += (samples[k] ?? 0) * cutoff * sinc(cutoff * d) * window;
    }
    out[i] = Math.max(-32768, Math.min(32767, Math.round(acc)));
  }
  return out;
}
