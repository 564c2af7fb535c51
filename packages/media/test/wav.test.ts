import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import {
  pcm16Bytes,
  readWav,
  wavDurationMs,
  wavSamples,
  writeWav,
  type WavAudio,
} from '../src/wav/wav-file.js';
import { WavError } from '../src/errors.js';
import { ulawEncode } from '../src/codec/g711-ulaw.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    if (err instanceof WavError) return err.code;
    throw err;
  }
  return undefined;
}

/** Builds a RIFF file from raw chunks, for malformed-input tests. */
function riff(form: string, chunks: [string, Uint8Array][]): Uint8Array {
  const parts = chunks.map(([id, body]) => {
    const out = new Uint8Array(8 + body.length + (body.length & 1));
    out.set(Buffer.from(id, 'latin1'));
    new DataView(out.buffer).setUint32(4, body.length, true);
    out.set(body, 8);
    return out;
  });
  const size = 4 + parts.reduce((n, p) => n + p.length, 0);
  const out = new Uint8Array(8 + size);
  out.set(Buffer.from('RIFF'));
  new DataView(out.buffer).setUint32(4, size, true);
  out.set(Buffer.from(form, 'latin1'), 8);
  let o = 12;
  for (const p of parts) {
    out.set(p, o);
    o += p.length;
  }
  return out;
}

function fmt(tag: number, channels: number, rate: number, bits: number): Uint8Array {
  const b = new Uint8Array(16);
  const v = new DataView(b.buffer);
  v.setUint16(0, tag, true);
  v.setUint16(2, channels, true);
  v.setUint32(4, rate, true);
  v.setUint32(8, (rate * channels * bits) / 8, true);
  v.setUint16(12, (channels * bits) / 8, true);
  v.setUint16(14, bits, true);
  return b;
}

describe('WAV write', () => {
  it('writes a canonical 44-byte header for 16-bit PCM', () => {
    const bytes = writeWav({
      encoding: 'pcm16',
      sampleRate: 8000,
      data: pcm16Bytes(Int16Array.from([1, -2])),
    });
    expect(bytes.length).toBe(48);
    expect(Buffer.from(bytes).toString('hex')).toBe(
      '52494646' +
        '28000000' +
        '57415645' + // RIFF, size 40, WAVE
        '666d7420' +
        '10000000' +
        '0100' +
        '0100' +
        '401f0000' +
        '803e0000' +
        '0200' +
        '1000' + // fmt PCM mono 8k
        '64617461' +
        '04000000' +
        '0100' +
        'feff', // data
    );
  });

  it('writes µ-law with format tag 7, an 18-byte fmt and a fact chunk', () => {
    const bytes = writeWav({
      encoding: 'mulaw',
      sampleRate: 8000,
      data: Uint8Array.from([0xff, 0x7f, 0x00]),
    });
    const view = new DataView(bytes.buffer);
    expect(view.getUint32(16, true)).toBe(18);
    expect(view.getUint16(20, true)).toBe(7);
    expect(view.getUint32(28, true)).toBe(8000); // byte rate
    expect(view.getUint16(34, true)).toBe(8);
    expect(Buffer.from(bytes.subarray(38, 42)).toString()).toBe('fact');
    expect(view.getUint32(46, true)).toBe(3);
    expect(bytes.length % 2).toBe(0); // odd data is padded
    expect(readWav(bytes)).toMatchObject({ encoding: 'mulaw', sampleRate: 8000 });
  });

  it('rejects bad input', () => {
    expect(codeOf(() => writeWav({ encoding: 'pcm16', sampleRate: 8000, data: new Uint8Array(3) }))).toBe(
      'WAV_BAD_INPUT',
    );
    expect(codeOf(() => writeWav({ encoding: 'alaw', sampleRate: 0, data: new Uint8Array(3) }))).toBe(
      'WAV_BAD_INPUT',
    );
  });
});

describe('WAV read', () => {
  it('reads PCM, A-law and µ-law back (property)', () => {
    const audio = fc.oneof(
      fc.record({
        encoding: fc.constant('pcm16' as const),
        sampleRate: fc.constantFrom(8000, 16000, 44100),
        data: fc
          .array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 200 })
          .map((a) => pcm16Bytes(Int16Array.from(a))),
      }),
      fc.record({
        encoding: fc.constantFrom('alaw' as const, 'mulaw' as const),
        sampleRate: fc.constant(8000),
        data: fc.uint8Array({ maxLength: 401 }),
      }),
    );
    fc.assert(
      fc.property(audio, (a: WavAudio) => {
        const back = readWav(writeWav(a));
        expect(back.encoding).toBe(a.encoding);
        expect(back.sampleRate).toBe(a.sampleRate);
        expect([...back.data]).toEqual([...a.data]);
      }),
    );
  });

  it('skips unknown chunks (LIST with odd size is padded) before data', () => {
    const file = riff('WAVE', [
      ['fmt ', fmt(1, 1, 8000, 16)],
      ['LIST', Uint8Array.from([1, 2, 3])],
      ['data', pcm16Bytes(Int16Array.from([100, -100]))],
    ]);
    const a = readWav(file);
    expect([...wavSamples(a)]).toEqual([100, -100]);
    expect(wavDurationMs(a)).toBe(0.25);
  });

  it('decodes G.711 data to linear samples', () => {
    const a = readWav(
      writeWav({ encoding: 'mulaw', sampleRate: 8000, data: ulawEncode(Int16Array.from([0, 1000])) }),
    );
    expect([...wavSamples(a)]).toEqual([0, 988]);
    expect(wavDurationMs(a)).toBe(0.25);
  });

  it.each([
    ['an empty file', new Uint8Array(), 'WAV_NOT_RIFF'],
    [
      'an MP3-like header',
      Uint8Array.from(Buffer.from('ID3\u0004\u0000\u0000\u0000\u0000\u0000\u0000\u0000\u0000')),
      'WAV_NOT_RIFF',
    ],
    ['a RIFF AVI', riff('AVI ', []), 'WAV_NOT_WAVE'],
    ['no chunks', riff('WAVE', []), 'WAV_NO_FMT'],
    ['fmt but no data', riff('WAVE', [['fmt ', fmt(1, 1, 8000, 16)]]), 'WAV_NO_DATA'],
    [
      'data before fmt',
      riff('WAVE', [
        ['data', new Uint8Array(2)],
        ['fmt ', fmt(1, 1, 8000, 16)],
      ]),
      'WAV_NO_FMT',
    ],
    [
      'a short fmt chunk',
      riff('WAVE', [
        ['fmt ', new Uint8Array(8)],
        ['data', new Uint8Array(2)],
      ]),
      'WAV_BAD_FMT',
    ],
    [
      'IEEE float',
      riff('WAVE', [
        ['fmt ', fmt(3, 1, 8000, 32)],
        ['data', new Uint8Array(4)],
      ]),
      'WAV_UNSUPPORTED',
    ],
    [
      'stereo',
      riff('WAVE', [
        ['fmt ', fmt(1, 2, 8000, 16)],
        ['data', new Uint8Array(4)],
      ]),
      'WAV_UNSUPPORTED',
    ],
    [
      '8-bit PCM',
      riff('WAVE', [
        ['fmt ', fmt(1, 1, 8000, 8)],
        ['data', new Uint8Array(4)],
      ]),
      'WAV_UNSUPPORTED',
    ],
    [
      '16-bit µ-law',
      riff('WAVE', [
        ['fmt ', fmt(7, 1, 8000, 16)],
        ['data', new Uint8Array(4)],
      ]),
      'WAV_UNSUPPORTED',
    ],
    [
      'a zero sample rate',
      riff('WAVE', [
        ['fmt ', fmt(1, 1, 0, 16)],
        ['data', new Uint8Array(4)],
      ]),
      'WAV_BAD_FMT',
    ],
    [
      'odd-length PCM data',
      riff('WAVE', [
        ['fmt ', fmt(1, 1, 8000, 16)],
        ['data', new Uint8Array(3)],
      ]),
      'WAV_BAD_FMT',
    ],
  ])('rejects %s', (_name, bytes, code) => {
    expect(codeOf(() => readWav(bytes))).toBe(code);
  });

  it('rejects a file cut short inside its data chunk', () => {
    const full = writeWav({ encoding: 'mulaw', sampleRate: 8000, data: new Uint8Array(100) });
    expect(codeOf(() => readWav(full.subarray(0, full.length - 10)))).toBe('WAV_TRUNCATED');
  });

  it('never throws anything but WavError on mangled files (property)', () => {
    const good = writeWav({ encoding: 'pcm16', sampleRate: 8000, data: new Uint8Array(40) });
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: good.length - 1 }),
        fc.integer({ min: 0, max: 255 }),
        fc.nat(good.length),
        (i, b, cut) => {
          const bytes = Uint8Array.from(good);
          bytes[i] = b;
          try {
            readWav(bytes.subarray(0, cut));
          } catch (err) {
            expect(err).toBeInstanceOf(WavError);
          }
        },
      ),
    );
  });
});
