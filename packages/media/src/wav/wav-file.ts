import { WavError } from '../errors.js';
import { alawDecode } from '../codec/g711-alaw.js';
import { ulawDecode } from '../codec/g711-ulaw.js';

/** Encodings this package reads and writes: WAVE_FORMAT_PCM (1, 16-bit), ALAW (6), MULAW (7). */
export type WavEncoding = 'pcm16' | 'alaw' | 'mulaw';

const FORMAT_TAG: Readonly<Record<WavEncoding, number>> = { pcm16: 1, alaw: 6, mulaw: 7 };

/** Mono audio as stored: `data` is the raw sample bytes (little-endian PCM or G.711 codes). */
export interface WavAudio {
  encoding: WavEncoding;
  sampleRate: number;
  data: Uint8Array;
}

function ascii(buf: Uint8Array, offset: number): string {
  return String.fromCharCode(
    buf[offset] ?? 0,
    buf[offset + 1] ?? 0,
    buf[offset + 2] ?? 0,
    buf[offset + 3] ?? 0,
  );
}

export interface FmtChunk {
  formatTag: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

function parseFmt(view: DataView, offset: number, size: number): FmtChunk {
  if (size < 16) throw new WavError('WAV_BAD_FMT', `fmt chunk of ${size} bytes < 16`);
  return {
    formatTag: view.getUint16(offset, true),
    channels: view.getUint16(offset + 2, true),
    sampleRate: view.getUint32(offset + 4, true),
    blockAlign: view.getUint16(offset + 12, true),
    bitsPerSample: view.getUint16(offset + 14, true),
  };
}

function encodingOf(fmt: FmtChunk): WavEncoding {
  const entry = Object.entries(FORMAT_TAG).find(([, tag]) => tag === fmt.formatTag);
  if (!entry)
    throw new WavError('WAV_UNSUPPORTED', `WAV format tag ${fmt.formatTag} is not PCM, A-law or µ-law`);
  const encoding = entry[0] as WavEncoding;
  if (fmt.channels !== 1)
    throw new WavError('WAV_UNSUPPORTED', `${fmt.channels} channels; only mono is supported`);
  const bits = encoding === 'pcm16' ? 16 : 8;
  if (fmt.bitsPerSample !== bits || fmt.blockAlign !== bits / 8) {
    throw new WavError(
      'WAV_UNSUPPORTED',
      `${encoding} with ${fmt.bitsPerSample} bits/sample and block align ${fmt.blockAlign}; expected ${bits} and ${bits / 8}`,
    );
  }
  if (fmt.sampleRate === 0) throw new WavError('WAV_BAD_FMT', 'sample rate 0');
  return encoding;
}

/** The fmt chunk and the data chunk's bytes of a RIFF/WAVE file, whatever its format. */
export function readWavChunks(buf: Uint8Array): { fmt: FmtChunk; data: Uint8Array } {
  if (buf.length < 12 || ascii(buf, 0) !== 'RIFF') throw new WavError('WAV_NOT_RIFF', 'not a RIFF file');
  if (ascii(buf, 8) !== 'WAVE')
    throw new WavError('WAV_NOT_WAVE', `RIFF form "${ascii(buf, 8)}" is not WAVE`);
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  let fmt: FmtChunk | undefined;
  let offset = 12;
  while (offset + 8 <= buf.length) {
    const id = ascii(buf, offset);
    const size = view.getUint32(offset + 4, true);
    const body = offset + 8;
    if (id === 'fmt ') {
      if (body + size > buf.length)
        throw new WavError('WAV_TRUNCATED', 'fmt chunk runs past the end of the file');
      fmt = parseFmt(view, body, size);
    } else if (id === 'data') {
      if (!fmt) throw new WavError('WAV_NO_FMT', 'data chunk before any fmt chunk');
      if (body + size > buf.length) {
        throw new WavError('WAV_TRUNCATED', `data chunk of ${size} bytes, only ${buf.length - body} present`);
      }
      return { fmt, data: buf.subarray(body, body + size) };
    }
    offset = body + size + (size & 1);
  }
  throw new WavError(fmt ? 'WAV_NO_DATA' : 'WAV_NO_FMT', fmt ? 'no data chunk' : 'no fmt chunk');
}

/**
 * Reads a RIFF/WAVE file of mono 16-bit PCM, A-law or µ-law. Unknown chunks (LIST, fact…) are
 * skipped; chunks are word-aligned (RIFF pads odd sizes). Anything else is a WavError, never a crash.
 */
export function readWav(buf: Uint8Array): WavAudio {
  const { fmt, data } = readWavChunks(buf);
  const encoding = encodingOf(fmt);
  if (encoding === 'pcm16' && data.length % 2 !== 0) {
    throw new WavError('WAV_BAD_FMT', `16-bit PCM data of odd length ${data.length}`);
  }
  return { encoding, sampleRate: fmt.sampleRate, data };
}

/** Writes mono audio as a canonical WAV: PCM gets a 16-byte fmt; G.711 an 18-byte fmt plus the fact chunk it requires. */
export function writeWav(audio: WavAudio): Uint8Array {
  const { encoding, sampleRate, data } = audio;
  if (!(encoding in FORMAT_TAG)) throw new WavError('WAV_BAD_INPUT', `unknown encoding ${String(encoding)}`);
  if (!Number.isInteger(sampleRate) || sampleRate <= 0 || sampleRate > 0xffffffff) {
    throw new WavError('WAV_BAD_INPUT', `sample rate ${sampleRate} is invalid`);
  }
  const pcm = encoding === 'pcm16';
  if (pcm && data.length % 2 !== 0) throw new WavError('WAV_BAD_INPUT', '16-bit PCM data of odd length');
  const bytesPerSample = pcm ? 2 : 1;
  const fmtSize = pcm ? 16 : 18;
  const factBytes = pcm ? 0 : 12;
  const pad = data.length & 1;
  const total = 12 + 8 + fmtSize + factBytes + 8 + data.length + pad;
  const out = new Uint8Array(total);
  const view = new DataView(out.buffer);
  const tag = (o: number, s: string): void => {
    for (let i = 0; i < 4; i++) out[o + i] = s.charCodeAt(i);
  };
  tag(0, 'RIFF');
  view.setUint32(4, total - 8, true);
  tag(8, 'WAVE');
  tag(12, 'fmt ');
  view.setUint32(16, fmtSize, true);
  view.setUint16(20, FORMAT_TAG[encoding], true);
  view.setUint16(22, 1, true);
  view.setUint32(24, sampleRate, true);
  view.setUint32(28, sampleRate * bytesPerSample, true);
  view.setUint16(32, bytesPerSample, true);
  view.setUint16(34, bytesPerSample * 8, true);
  let o = 20 + fmtSize; // cbSize (0) already zero for G.711
  if (!pcm) {
    tag(o, 'fact');
    view.setUint32(o + 4, 4, true);
    view.setUint32(o + 8, data.length, true);
    o += 12;
  }
  tag(o, 'data');
  view.setUint32(o + 4, data.length, true);
  out.set(data, o + 8);
  return out;
}

/** Decoded 16-bit linear samples of any supported WAV encoding. */
export function wavSamples(audio: WavAudio): Int16Array {
  if (audio.encoding === 'mulaw') return ulawDecode(audio.data);
  if (audio.encoding === 'alaw') return alawDecode(audio.data);
  const view = new DataView(audio.data.buffer, audio.data.byteOffset, audio.data.byteLength);
  const out = new Int16Array(audio.data.length >> 1);
  for (let i = 0; i < out.length; i++) out[i] = view.getInt16(2 * i, true);
  return out;
}

/** Little-endian bytes of 16-bit samples, ready for a pcm16 WavAudio. */
export function pcm16Bytes(samples: Int16Array): Uint8Array {
  const out = new Uint8Array(samples.length * 2);
  const view = new DataView(out.buffer);
  samples.forEach((s, i) => view.setInt16(2 * i, s, true));
  return out;
}

/** Length in milliseconds. */
export function wavDurationMs(audio: WavAudio): number {
  const samples = audio.encoding === 'pcm16' ? audio.data.length / 2 : audio.data.length;
  return (samples * 1000) / audio.sampleRate;
}
