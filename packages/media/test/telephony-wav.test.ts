import { describe, expect, it } from 'vitest';
import { generateTone } from '../src/audio/tone.js';
import { toneAmplitude } from '../src/audio/goertzel.js';
import { alawEncode } from '../src/codec/g711-alaw.js';
import { ulawEncode } from '../src/codec/g711-ulaw.js';
import { WavError } from '../src/errors.js';
import { writePcm16TracksWav } from '../src/wav/pcm16-tracks.js';
import { telephonyWav } from '../src/wav/telephony-wav.js';
import { pcm16Bytes, readWav, wavSamples, writeWav } from '../src/wav/wav-file.js';

const tone = (rate: number, hz = 1000, ms = 500): Int16Array =>
  generateTone({ frequencyHz: hz, durationMs: ms, sampleRate: rate });

/** A WAV header with any format tag, bit depth and channel count, and `dataBytes` of zeros. */
function rawWav(tag: number, bits: number, channels: number, rate: number, dataBytes: number): Uint8Array {
  const out = new Uint8Array(44 + dataBytes);
  const v = new DataView(out.buffer);
  const put = (o: number, s: string): void => [...s].forEach((c, i) => (out[o + i] = c.charCodeAt(0)));
  put(0, 'RIFF');
  v.setUint32(4, 36 + dataBytes, true);
  put(8, 'WAVE');
  put(12, 'fmt ');
  v.setUint32(16, 16, true);
  v.setUint16(20, tag, true);
  v.setUint16(22, channels, true);
  v.setUint32(24, rate, true);
  v.setUint32(28, (rate * channels * bits) / 8, true);
  v.setUint16(32, (channels * bits) / 8, true);
  v.setUint16(34, bits, true);
  put(36, 'data');
  v.setUint32(40, dataBytes, true);
  return out;
}

function refusal(bytes: Uint8Array): string {
  try {
    telephonyWav(bytes);
  } catch (err) {
    if (err instanceof WavError) return err.message;
    throw err;
  }
  return 'accepted';
}

const stored = (bytes: Uint8Array) => {
  const wav = readWav(telephonyWav(bytes).wav);
  return { wav, samples: wavSamples(wav) };
};

describe('telephonyWav (uploaded greetings)', () => {
  it('stores 8 kHz mono 16-bit PCM as sent', () => {
    const samples = tone(8000);
    const input = writeWav({ encoding: 'pcm16', sampleRate: 8000, data: pcm16Bytes(samples) });
    const out = telephonyWav(input);
    expect(out.conversions).toEqual([]);
    expect(out.durationMs).toBe(500);
    expect(out.wav).toEqual(input);
  });

  it('decodes 8 kHz µ-law and A-law to 16-bit PCM', () => {
    for (const [encoding, encode] of [
      ['mulaw', ulawEncode],
      ['alaw', alawEncode],
    ] as const) {
      const { wav, samples } = stored(writeWav({ encoding, sampleRate: 8000, data: encode(tone(8000)) }));
      expect(wav).toMatchObject({ encoding: 'pcm16', sampleRate: 8000 });
      expect(toneAmplitude(samples, 1000)).toBeGreaterThan(0.3);
    }
  });

  it('resamples 44.1 kHz stereo PCM to 8 kHz mono, keeping the tone', () => {
    const left = tone(44_100, 700);
    const input = writePcm16TracksWav({ sampleRate: 44_100, tracks: [left, left] });
    const out = telephonyWav(input);
    expect(out.conversions).toEqual(['stereo mixed to mono', 'resampled from 44100 Hz to 8000 Hz']);
    const { wav, samples } = stored(input);
    expect(wav.sampleRate).toBe(8000);
    expect(Math.abs(samples.length - 4000)).toBeLessThanOrEqual(1);
    expect(toneAmplitude(samples, 700)).toBeGreaterThan(0.3);
  });

  it('refuses what it cannot convert cheaply, naming it', () => {
    expect(refusal(new TextEncoder().encode('ID3 not a wav at all'))).toBe('not a RIFF file');
    expect(refusal(rawWav(3, 32, 1, 8000, 400))).toMatch(/^IEEE float WAV is not supported: send 16-bit PCM/);
    expect(refusal(rawWav(0x55, 16, 1, 8000, 400))).toMatch(/^MP3 WAV is not supported/);
    expect(refusal(rawWav(1, 8, 1, 8000, 400))).toMatch(/^8-bit PCM is not supported/);
    expect(refusal(rawWav(1, 24, 1, 8000, 600))).toMatch(/^24-bit PCM is not supported/);
    expect(refusal(rawWav(1, 16, 6, 8000, 1200))).toMatch(/^6 channels are not supported/);
    expect(refusal(rawWav(1, 16, 1, 4000, 400))).toBe('sample rate 4000 Hz is outside 8000-48000 Hz');
    expect(refusal(rawWav(1, 16, 1, 8000, 0))).toBe('the WAV holds no audio');
    expect(refusal(rawWav(7, 8, 2, 8000, 400))).toMatch(/2 channels; only mono/);
  });
});
