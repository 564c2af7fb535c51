export interface ToneOptions {
  /** Frequency in Hz (default 1000, the usual voicemail beep). */
  frequencyHz?: number;
  /** Length (default 400 ms). */
  durationMs?: number;
  /** Sample rate (default 8000). */
  sampleRate?: number;
  /** Peak amplitude as a fraction of full scale (default 0.4, about -8 dBFS, clear without clipping). */
  amplitude?: number;
  /** Raised-cosine fade in and out, so the tone starts and stops without a click (default 10 ms). */
  fadeMs?: number;
}

/** A sine tone as 16-bit linear samples. */
export function generateTone(options: ToneOptions = {}): Int16Array {
  const f = options.frequencyHz ?? 1000;
  const rate = options.sampleRate ?? 8000;
  const n = Math.max(0, Math.round(((options.durationMs ?? 400) * rate) / 1000));
  const peak = Math.max(0, Math.min(1, options.amplitude ?? 0.4)) * 32767;
  const fade = Math.min(Math.floor(n / 2), Math.round(((options.fadeMs ?? 10) * rate) / 1000));
  const out = new Int16Array(n);
  for (let i = 0; i < n; i++) {
    const edge = Math.min(i, n - 1 - i);
    const gain = edge < fade ? 0.5 - 0.5 * Math.cos((Math.PI * edge) / fade) : 1;
    out[i] = Math.round(peak * gain * Math.sin((2 * Math.PI * f * i) / rate));
  }
  return out;
}

/** The "leave your message after the tone" beep: 1 kHz for 400 ms at 8 kHz. */
export function beep(options: ToneOptions = {}): Int16Array {
  return generateTone({ frequencyHz: 1000, durationMs: 400, ...options });
}

/** Silence of the given length. */
export function silence(durationMs: number, sampleRate = 8000): Int16Array {
  return new Int16Array(Math.max(0, Math.round((durationMs * sampleRate) / 1000)));
}

/** Audio parts one after the other, as one buffer (prompts made of tones and pauses). */
export function joinAudio(parts: readonly Int16Array[]): Int16Array {
  const out = new Int16Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
