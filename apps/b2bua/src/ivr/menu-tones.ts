import { generateTone, joinAudio as join, silence } from '@switchboard/media';

/** Frequencies of the built-in greeting: a rising three-note chime (speech-free, any language). */
export const MENU_GREETING_HZ = [600, 800, 1000] as const;
/** The "that key does nothing" tone before the greeting is played again. */
export const MENU_INVALID_HZ = 350;
/** Ringback while a hand-over rings (ITU-T E.180: 425 Hz, 1 s on, 4 s off). */
export const RINGBACK_HZ = 425;

/** The greeting of a menu without an uploaded one: three rising 250 ms notes, twice. */
export function defaultMenuGreeting(): Int16Array {
  const chime = MENU_GREETING_HZ.flatMap((hz) => [
    generateTone({ frequencyHz: hz, durationMs: 250 }),
    silence(50),
  ]);
  return join([...chime, silence(300), ...chime]);
}

/** Two short low tones: the key was not a choice of this menu. */
export function invalidChoiceTone(): Int16Array {
  const t = generateTone({ frequencyHz: MENU_INVALID_HZ, durationMs: 200 });
  return join([t, silence(100), t, silence(300)]);
}

/** `cycles` periods of ringback (1 s tone, 4 s silence). */
export function ringback(cycles: number): Int16Array[] {
  const on = generateTone({ frequencyHz: RINGBACK_HZ, durationMs: 1000, amplitude: 0.2 });
  const off = silence(4000);
  return Array.from({ length: cycles }, () => [on, off]).flat();
}
