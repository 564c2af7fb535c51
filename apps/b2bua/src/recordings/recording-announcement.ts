import fs from 'node:fs';
import path from 'node:path';
import type { SwitchboardConfig } from '@switchboard/config';
import { generateTone, pcm16Bytes, writeWav } from '@switchboard/media';

/** The recording beep: 1400 Hz (the tone ITU-T P.80-style recorders use) for half a second. */
export const RECORDING_TONE_HZ = 1400;
const RECORDING_TONE_MS = 500;

/**
 * The file rtpengine plays to both parties when recording starts (SWITCHBOARD_RECORDING_ANNOUNCEMENT):
 * the configured WAV, or the beep written once into the data directory; undefined when off.
 */
export function recordingAnnouncementFile(config: SwitchboardConfig): string | undefined {
  const { announcement, announcementFile, dir } = config.recording;
  if (announcement === 'off') return undefined;
  if (announcementFile) return announcementFile;
  const file = path.join(dir, 'announcement-tone.wav');
  const tone = generateTone({
    frequencyHz: RECORDING_TONE_HZ,
    durationMs: RECORDING_TONE_MS,
    amplitude: 0.3,
  });
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(file, writeWav({ encoding: 'pcm16', sampleRate: 8000, data: pcm16Bytes(tone) }));
  return file;
}
