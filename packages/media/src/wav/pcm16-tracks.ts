import { WavError } from '../errors.js';
import { readWavChunks } from './wav-file.js';

/** 16-bit PCM audio of one or more channels (a recorded call: caller left, callee right). */
export interface Pcm16Tracks {
  readonly sampleRate: number;
  /** One array per channel, all of one length. */
  readonly tracks: Int16Array[];
}

/** Writes channels as one interleaved 16-bit PCM WAV (WAVE_FORMAT_PCM, any channel count up to 8). */
export function writePcm16TracksWav({ sampleRate, tracks }: Pcm16Tracks): Uint8Array {
  const channels = tracks.length;
  const frames = tracks[0]?.length ?? 0;
  if (channels < 1 || channels > 8) throw new WavError('WAV_BAD_INPUT', `${channels} channels (1 to 8)`);
  if (tracks.some((t) => t.length !== frames))
    throw new WavError('WAV_BAD_INPUT', 'tracks of different lengths');
  if (!Number.isInteger(sampleRate) || sampleRate <= 0)
    throw new WavError('WAV_BAD_INPUT', `sample rate ${sampleRate}`);
  const dataBytes = frames * channels * 2;
  const out = new Uint8Array(44 + dataBytes);
  const view = new DataView(out.buffer);
  const tag = (o: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i);
  };
  tag(0, 'RIFF');
  view.setUint32(4, 36 + dataBytes, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, 16, true);
  view.setUint16(20, 1, true);
  view.setUint16(22, channels, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * channels * 2, true);
  view.setUint16(32, channels * 2, true);
  view.setUint16(34, 16, true);
  tag(36, 'data');
  view.setUint32(40, dataBytes, true);
  let o = 44;
  for (let i = 0; i < frames; i++) {
    for (const track of tracks) {
      view.setInt16(o, track[i] ?? 0, true);
      o += 2;
    }
  }
  return out;
}

/** Reads a 16-bit PCM WAV of any channel count into one array per channel. */
export function readPcm16TracksWav(buf: Uint8Array): Pcm16Tracks {
  const { fmt, data } = readWavChunks(buf);
  if (
    fmt.formatTag !== 1 ||
    fmt.bitsPerSample !== 16 ||
    fmt.channels < 1 ||
    fmt.blockAlign !== fmt.channels * 2
  )
    throw new WavError('WAV_UNSUPPORTED', 'not 16-bit PCM');
  const frames = Math.floor(data.length / fmt.blockAlign);
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const tracks = Array.from({ length: fmt.channels }, () => new Int16Array(frames));
  for (let i = 0; i < frames; i++) {
    for (let c = 0; c < fmt.channels; c++) {
      const track = tracks[c];
      if (track) track[i] = view.getInt16((i * fmt.channels + c) * 2, true);
    }
  }
  return { sampleRate: fmt.sampleRate, tracks };
}
