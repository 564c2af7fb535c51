import { generateTone, joinAudio as concat } from '../audio/tone.js';

const level = { amplitude: 0.2, durationMs: 120, fadeMs: 8 };

/** Heard by the others when someone joins: a rising two-note chime (600 Hz then 900 Hz). */
export function conferenceJoinTone(): Int16Array {
  return concat([generateTone({ ...level, frequencyHz: 600 }), generateTone({ ...level, frequencyHz: 900 })]);
}

/** Heard by those who remain when someone leaves: the same notes falling (900 Hz then 600 Hz). */
export function conferenceLeaveTone(): Int16Array {
  return concat([generateTone({ ...level, frequencyHz: 900 }), generateTone({ ...level, frequencyHz: 600 })]);
}

/** Confirms a key: one short 1400 Hz pip for "muted", two for "unmuted". */
export function conferenceMuteTone(muted: boolean): Int16Array {
  const pip = generateTone({ frequencyHz: 1400, durationMs: 80, amplitude: 0.2, fadeMs: 5 });
  const gap = new Int16Array(480);
  return muted ? pip : concat([pip, gap, pip]);
}
