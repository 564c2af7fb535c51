import { fileURLToPath } from 'node:url';
import { G711_CLOCK_RATE } from '../codec/g711.js';

/** Absolute path of the shipped tune (works from src in tests and from dist at run time). */
export function defaultMusicPath(): string {
  return fileURLToPath(new URL('../../music/default.wav', import.meta.url));
}

// An original eight-bar phrase on the C major pentatonic scale (MIDI note numbers), with a bass note
// on each bar: simple enough to loop, written for this project, free of any rights.
const MELODY = [
  72, 76, 79, 76, 74, 72, 69, 72, 74, 76, 74, 72, 69, 67, 69, 72, 76, 79, 81, 79, 76, 74, 72, 74, 76, 74, 72,
  69, 72, 69, 67, 72,
];
const BASS = [48, 45, 43, 48, 48, 45, 43, 48];
const NOTE_MS = 200;
const NOTES_PER_BAR = 4;

const hz = (midi: number): number => 440 * 2 ** ((midi - 69) / 12);

/** Adds a soft plucked note (fast attack, exponential decay, a little second harmonic) at `start`. */
function pluck(out: Float64Array, start: number, length: number, freq: number, level: number): void {
  const attack = Math.round(G711_CLOCK_RATE * 0.008);
  for (let i = 0; i < length; i++) {
    const t = i / G711_CLOCK_RATE;
    const envelope = Math.min(1, i / attack) * Math.exp(-t * 5) * Math.min(1, (length - i) / attack);
    const wave = Math.sin(2 * Math.PI * freq * t) + 0.25 * Math.sin(4 * Math.PI * freq * t);
    // A tail past the end wraps onto the start, so the loop point is seamless.
    const at = (start + i) % out.length;
    out[at] = (out[at] ?? 0) + level * envelope * wave;
  }
}

/**
 * The default music on hold, synthesised: 6.4 s of 8 kHz linear audio that loops seamlessly (the last
 * notes ring on into the first ones). `scripts/generate-music.mjs` writes it
 * to `music/default.wav`; the file is committed so the PBX never synthesises at run time.
 */
export function composeDefaultMusic(): Int16Array {
  const noteSamples = (G711_CLOCK_RATE * NOTE_MS) / 1000;
  const mix = new Float64Array(MELODY.length * noteSamples);
  MELODY.forEach((note, i) => pluck(mix, i * noteSamples, noteSamples * 2, hz(note), 0.22));
  BASS.forEach((note, bar) =>
    pluck(mix, bar * NOTES_PER_BAR * noteSamples, NOTES_PER_BAR * noteSamples, hz(note), 0.18),
  );
  const out = new Int16Array(mix.length);
  for (let i = 0; i < mix.length; i++)
    out[i] = Math.max(-32768, Math.min(32767, Math.round((mix[i] ?? 0) * 32767)));
  return out;
}
