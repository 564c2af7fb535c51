import { describe, expect, it } from 'vitest';
import { readFileSync, statSync } from 'node:fs';
import { resample } from '../src/audio/resample.js';
import { generateTone } from '../src/audio/tone.js';
import {
  DEFAULT_PROMPTS,
  defaultPromptPath,
  messageCountPrompts,
  numberPrompts,
  type PromptId,
} from '../src/audio/default-prompts.js';
import { readWav, wavDurationMs } from '../src/wav/wav-file.js';
import { MediaError } from '../src/errors.js';

function rms(a: Int16Array): number {
  return Math.sqrt(a.reduce((s, x) => s + x * x, 0) / Math.max(1, a.length));
}

describe('resample', () => {
  it('keeps a 1 kHz tone (level and pitch) going from 22 050 Hz to 8 kHz', () => {
    const tone = generateTone({ frequencyHz: 1000, durationMs: 500, sampleRate: 22050, fadeMs: 0 });
    const out = resample(tone, 22050, 8000);
    expect(out.length).toBe(Math.floor((tone.length * 8000) / 22050));
    const reference = generateTone({ frequencyHz: 1000, durationMs: 500, sampleRate: 8000, fadeMs: 0 });
    const body = out.subarray(100, out.length - 100);
    expect(rms(body) / rms(reference.subarray(100, reference.length - 100))).toBeCloseTo(1, 1);
    let crossings = 0;
    for (let i = 1; i < body.length; i++) if ((body[i - 1] ?? 0) < 0 !== (body[i] ?? 0) < 0) crossings++;
    expect(Math.abs(crossings - (2 * 1000 * body.length) / 8000)).toBeLessThanOrEqual(3);
  });

  it('filters out what 8 kHz cannot carry instead of aliasing it (6 kHz tone)', () => {
    const tone = generateTone({ frequencyHz: 6000, durationMs: 500, sampleRate: 22050, fadeMs: 0 });
    const out = resample(tone, 22050, 8000);
    expect(rms(out.subarray(100, out.length - 100))).toBeLessThan(0.02 * rms(tone));
  });

  it('upsamples 8 kHz to 16 kHz keeping the level', () => {
    const tone = generateTone({ frequencyHz: 500, durationMs: 200, fadeMs: 0 });
    const out = resample(tone, 8000, 16000);
    expect(out.length).toBe(tone.length * 2);
    expect(rms(out.subarray(100, -100)) / rms(tone.subarray(50, -50))).toBeCloseTo(1, 1);
  });

  it('copies at equal rates and rejects nonsense rates', () => {
    const a = Int16Array.from([1, 2, 3]);
    expect([...resample(a, 8000, 8000)]).toEqual([1, 2, 3]);
    expect(() => resample(a, 0, 8000)).toThrow(MediaError);
  });
});

describe('default prompts', () => {
  it('says counts with the number prompts', () => {
    expect(numberPrompts(0)).toEqual(['number-0']);
    expect(numberPrompts(17)).toEqual(['number-17']);
    expect(numberPrompts(40)).toEqual(['number-40']);
    expect(numberPrompts(42)).toEqual(['number-40', 'number-2']);
    expect(numberPrompts(100)).toEqual(['number-100']);
    expect(numberPrompts(250)).toEqual(['number-more']);
    expect(messageCountPrompts(0)).toEqual(['no-new-messages']);
    expect(messageCountPrompts(1)).toEqual(['you-have', 'number-1', 'new-message']);
    expect(messageCountPrompts(23)).toEqual(['you-have', 'number-20', 'number-3', 'new-messages']);
    expect(() => numberPrompts(-1)).toThrow(MediaError);
  });

  it('every count 0-100 maps to prompts that exist', () => {
    for (let n = 0; n <= 100; n++)
      for (const id of messageCountPrompts(n)) expect(DEFAULT_PROMPTS).toHaveProperty(id);
  });

  it('ships every prompt as a small 8 kHz µ-law WAV', () => {
    let total = 0;
    for (const id of Object.keys(DEFAULT_PROMPTS) as PromptId[]) {
      const path = defaultPromptPath(id);
      total += statSync(path).size;
      const wav = readWav(readFileSync(path));
      expect({ id, encoding: wav.encoding, rate: wav.sampleRate }).toEqual({
        id,
        encoding: 'mulaw',
        rate: 8000,
      });
      expect(wavDurationMs(wav)).toBeGreaterThan(300);
      expect(wavDurationMs(wav)).toBeLessThan(10_000);
    }
    expect(total).toBeLessThan(1024 * 1024);
  });
});
