import { G711_CLOCK_RATE } from '../codec/g711.js';
import { readWav, wavSamples } from '../wav/wav-file.js';
import { resample } from '../audio/resample.js';

/**
 * One music file as 8 kHz linear audio, ready to be framed: any mono WAV this package reads
 * (16-bit PCM, µ-law, A-law) at any sample rate, resampled to the G.711 clock rate once at load so
 * playing costs nothing but encoding. Throws `WavError` for a file it cannot read.
 */
export function musicTrackFromWav(bytes: Uint8Array): Int16Array {
  const wav = readWav(bytes);
  const samples = wavSamples(wav);
  return wav.sampleRate === G711_CLOCK_RATE ? samples : resample(samples, wav.sampleRate, G711_CLOCK_RATE);
}
