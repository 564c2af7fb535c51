/**
 * The amplitude of one frequency in a block of 16-bit samples (Goertzel's algorithm), as a fraction
 * of full scale: a full-scale sine at `frequencyHz` gives about 1, silence 0. For tone checks
 * (recordings, prompts) without an FFT.
 */
export function toneAmplitude(samples: Int16Array, frequencyHz: number, sampleRate = 8000): number {
  const n = samples.length;
  if (n === 0) return 0;
  const coefficient = 2 * Math.cos((2 * Math.PI * frequencyHz) / sampleRate);
  let previous = 0;
  let beforePrevious = 0;
  for (let i = 0; i < n; i++) {
    const current = (samples[i] ?? 0) + coefficient * previous - beforePrevious;
    beforePrevious = previous;
    previous = current;
  }
  const power =
    previous * previous + beforePrevious * beforePrevious - coefficient * previous * beforePrevious;
  return (2 * Math.sqrt(Math.max(0, power))) / n / 32768;
}
