import { resample } from '../audio/resample.js';
import { G711_CLOCK_RATE } from '../codec/g711.js';
import { WavError } from '../errors.js';
import { readPcm16TracksWav } from './pcm16-tracks.js';
import { pcm16Bytes, readWav, readWavChunks, wavSamples, writeWav } from './wav-file.js';

/** An uploaded prompt as the PBX stores it: 8 kHz mono 16-bit PCM (what G.711 carries and browsers play). */
export interface TelephonyWav {
  readonly wav: Uint8Array;
  readonly durationMs: number;
  /** What was done to the upload (`resampled from 44100 Hz`, `stereo mixed to mono`…); empty: stored as sent. */
  readonly conversions: readonly string[];
}

/** Names of the WAVE format tags people upload most (RFC 2361 registry) for a clear refusal. */
const TAG_NAMES: Readonly<Record<number, string>> = {
  2: 'Microsoft ADPCM',
  3: 'IEEE float',
  0x11: 'IMA ADPCM',
  0x31: 'GSM 6.10',
  0x55: 'MP3',
  0xfffe: 'WAVE_FORMAT_EXTENSIBLE',
};

const ACCEPTED = 'send 16-bit PCM, G.711 µ-law or A-law (8 kHz mono is stored as is)';
/** Rates a cheap conversion accepts (telephone to studio); anything else is most likely a broken header. */
const MIN_RATE = 8000;
const MAX_RATE = 48_000;

/**
 * Checks an uploaded RIFF/WAVE file and returns it as 8 kHz mono 16-bit PCM. Accepted as is: PCM
 * 16-bit, µ-law or A-law (format tags 1, 7, 6) at 8 kHz mono. Converted, as that is cheap and
 * lossless enough for a prompt: G.711 decoded to linear, stereo 16-bit PCM mixed to mono, 16-bit
 * PCM or G.711 at another rate from 8 to 48 kHz resampled. Refused with a WavError naming what was
 * found: no RIFF/WAVE, compressed or float formats, other sample sizes, more than 2 channels, no audio.
 */
export function telephonyWav(bytes: Uint8Array): TelephonyWav {
  const { fmt } = readWavChunks(bytes);
  const conversions: string[] = [];
  let samples: Int16Array;
  if (fmt.formatTag === 1) {
    if (fmt.bitsPerSample !== 16)
      throw new WavError('WAV_UNSUPPORTED', `${fmt.bitsPerSample}-bit PCM is not supported: ${ACCEPTED}`);
    if (fmt.channels > 2)
      throw new WavError(
        'WAV_UNSUPPORTED',
        `${fmt.channels} channels are not supported: send mono or stereo`,
      );
    const { tracks } = readPcm16TracksWav(bytes);
    samples =
      tracks.length === 2
        ? mixDown(tracks[0] ?? new Int16Array(), tracks[1] ?? new Int16Array())
        : (tracks[0] ?? new Int16Array());
    if (tracks.length === 2) conversions.push('stereo mixed to mono');
  } else if (fmt.formatTag === 6 || fmt.formatTag === 7) {
    samples = wavSamples(readWav(bytes)); // readWav refuses G.711 that is not mono 8-bit
    conversions.push(`${fmt.formatTag === 7 ? 'µ-law' : 'A-law'} decoded to 16-bit PCM`);
  } else {
    const name = TAG_NAMES[fmt.formatTag] ?? `format tag ${fmt.formatTag}`;
    throw new WavError('WAV_UNSUPPORTED', `${name} WAV is not supported: ${ACCEPTED}`);
  }
  if (fmt.sampleRate < MIN_RATE || fmt.sampleRate > MAX_RATE)
    throw new WavError('WAV_UNSUPPORTED', `sample rate ${fmt.sampleRate} Hz is outside 8000-48000 Hz`);
  if (samples.length === 0) throw new WavError('WAV_NO_DATA', 'the WAV holds no audio');
  if (fmt.sampleRate !== G711_CLOCK_RATE) {
    samples = resample(samples, fmt.sampleRate, G711_CLOCK_RATE);
    conversions.push(`resampled from ${fmt.sampleRate} Hz to 8000 Hz`);
  }
  return {
    wav: writeWav({ encoding: 'pcm16', sampleRate: G711_CLOCK_RATE, data: pcm16Bytes(samples) }),
    durationMs: Math.round((samples.length * 1000) / G711_CLOCK_RATE),
    conversions,
  };
}

function mixDown(left: Int16Array, right: Int16Array): Int16Array {
  const out = new Int16Array(left.length);
  for (let i = 0; i < out.length; i++) out[i] = ((left[i] ?? 0) + (right[i] ?? 0)) >> 1;
  return out;
}
