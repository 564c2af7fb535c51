import { readFile } from 'node:fs/promises';
import { defaultPromptPath, readWav, resample, wavSamples, type PromptId } from '@switchboard/media';

/** Decodes a WAV (PCM16, µ-law or A-law, any rate, mono) to 8 kHz linear samples. */
export function decodeWavTo8k(bytes: Uint8Array): Int16Array {
  const wav = readWav(bytes);
  const samples = wavSamples(wav);
  return wav.sampleRate === 8000 ? samples : resample(samples, wav.sampleRate, 8000);
}

/**
 * The shipped prompts (packages/media/prompts), decoded once and kept as 8 kHz linear audio;
 * each call encodes them to its own G.711 law when it plays them.
 */
export class PromptLibrary {
  private readonly cache = new Map<PromptId, Promise<Int16Array>>();

  prompt(id: PromptId): Promise<Int16Array> {
    let entry = this.cache.get(id);
    if (!entry) {
      entry = readFile(defaultPromptPath(id)).then(decodeWavTo8k);
      entry.catch(() => this.cache.delete(id));
      this.cache.set(id, entry);
    }
    return entry;
  }

  async sequence(ids: readonly PromptId[]): Promise<Int16Array[]> {
    return Promise.all(ids.map((id) => this.prompt(id)));
  }
}
