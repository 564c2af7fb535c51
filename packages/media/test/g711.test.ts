import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { ulawDecode, ulawDecodeSample, ulawEncode, ulawEncodeSample } from '../src/codec/g711-ulaw.js';
import { alawDecode, alawDecodeSample, alawEncode, alawEncodeSample } from '../src/codec/g711-alaw.js';
import { g711Decode, g711Encode, g711LawOfPayloadType } from '../src/codec/g711.js';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';

/** Output of an independent implementation (CPython's audioop), see the fixture's `source`. */
const reference = JSON.parse(
  readFileSync(new URL('./fixtures/g711-audioop.json', import.meta.url), 'utf8'),
) as {
  ulawEncodeFullRangeSha256: string;
  alawEncodeFullRangeSha256: string;
  ulawDecode: number[];
  alawDecode: number[];
};
const fullRange = Int16Array.from({ length: 65536 }, (_, i) => i - 32768);
const sha256 = (b: Uint8Array): string => createHash('sha256').update(b).digest('hex');

/** Half a quantisation step of µ-law around x (segment s has step 2^(s+3) in 16-bit units), plus input truncation to 14 bits. */
function ulawBound(x: number): number {
  return (Math.abs(x) + 132) / 32 + 4;
}

/** Half a step of A-law (segment s >= 1 has step 2^(s+3); segments 0 and 1 step 16). */
function alawBound(x: number): number {
  return Math.max(8, Math.abs(x) / 32);
}

describe('G.711 µ-law', () => {
  it('matches known code points', () => {
    expect(ulawEncodeSample(0)).toBe(0xff);
    expect(ulawDecodeSample(0xff)).toBe(0);
    expect(ulawDecodeSample(0x7f)).toBe(0); // "negative zero"
    expect(ulawDecodeSample(0xfe)).toBe(8);
    expect(ulawDecodeSample(0x7e)).toBe(-8);
    expect(ulawDecodeSample(0x80)).toBe(32124); // largest positive
    expect(ulawDecodeSample(0x00)).toBe(-32124);
    expect(ulawEncodeSample(32767)).toBe(0x80);
    expect(ulawEncodeSample(-32768)).toBe(0x00);
    // 1000 + 33*4 bias = 1132 -> segment 3, mantissa 1 -> ~0x31.
    expect(ulawEncodeSample(1000)).toBe(0xce);
    expect(ulawDecodeSample(0xce)).toBe(988);
    expect(ulawEncodeSample(-1000)).toBe(0x4e);
  });

  it('decodes every code to a value that encodes back to the same code (except -0)', () => {
    for (let c = 0; c < 256; c++) {
      const expected = c === 0x7f ? 0xff : c;
      expect(ulawEncodeSample(ulawDecodeSample(c))).toBe(expected);
    }
  });

  it('round-trips the full 16-bit range within quantisation error, monotonically', () => {
    // Collect violations and assert once: 65 536 expect() calls would dominate the run time.
    const tooFar: number[] = [];
    const notMonotonic: number[] = [];
    let previous = -Infinity;
    let worst = 0;
    for (let x = -32768; x <= 32767; x++) {
      const y = ulawDecodeSample(ulawEncodeSample(x));
      if (Math.abs(y - x) > ulawBound(x)) tooFar.push(x);
      if (y < previous) notMonotonic.push(x);
      worst = Math.max(worst, Math.abs(y - x));
      previous = y;
    }
    expect(tooFar).toEqual([]);
    expect(notMonotonic).toEqual([]);
    // Largest error is at full scale, where the top segment's step is 1024 (µ-law clips near 32k).
    expect(worst).toBeLessThanOrEqual(1024);
  });

  it('encodes and decodes arrays like the per-sample functions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }), (xs) => {
        const pcm = Int16Array.from(xs);
        const codes = ulawEncode(pcm);
        expect([...codes]).toEqual(xs.map(ulawEncodeSample));
        const back = ulawDecode(codes);
        back.forEach((y, i) => expect(Math.abs(y - (xs[i] ?? 0))).toBeLessThanOrEqual(ulawBound(xs[i] ?? 0)));
        // Decoding is exact on a second pass: decode(encode(decode(c))) == decode(c).
        expect([...ulawDecode(ulawEncode(back))]).toEqual([...back]);
      }),
    );
  });
});

describe('G.711 A-law', () => {
  it('matches known code points', () => {
    expect(alawEncodeSample(0)).toBe(0xd5);
    expect(alawDecodeSample(0xd5)).toBe(8);
    expect(alawDecodeSample(0x55)).toBe(-8);
    expect(alawEncodeSample(-1)).toBe(0x55);
    expect(alawDecodeSample(0xd4)).toBe(24);
    expect(alawDecodeSample(0xaa)).toBe(32256); // largest positive
    expect(alawDecodeSample(0x2a)).toBe(-32256);
    expect(alawEncodeSample(32767)).toBe(0xaa);
    expect(alawEncodeSample(-32768)).toBe(0x2a);
    // 1000 >> 3 = 125 -> segment 2, mantissa 15 -> 0xaf ^ 0x55... = 0xfa.
    expect(alawEncodeSample(1000)).toBe(0xfa);
    expect(alawDecodeSample(0xfa)).toBe(1008);
  });

  it('decodes every code to a value that encodes back to the same code', () => {
    for (let c = 0; c < 256; c++) expect(alawEncodeSample(alawDecodeSample(c))).toBe(c);
  });

  it('round-trips the full 16-bit range within quantisation error, monotonically', () => {
    // Collect violations and assert once: 65 536 expect() calls would dominate the run time.
    const tooFar: number[] = [];
    const notMonotonic: number[] = [];
    let previous = -Infinity;
    let worst = 0;
    for (let x = -32768; x <= 32767; x++) {
      const y = alawDecodeSample(alawEncodeSample(x));
      if (Math.abs(y - x) > alawBound(x)) tooFar.push(x);
      if (y < previous) notMonotonic.push(x);
      worst = Math.max(worst, Math.abs(y - x));
      previous = y;
    }
    expect(tooFar).toEqual([]);
    expect(notMonotonic).toEqual([]);
    // Largest error is at full scale, where the top segment's step is 1024 (A-law clips near 32k).
    expect(worst).toBeLessThanOrEqual(1024);
  });

  it('encodes and decodes arrays like the per-sample functions (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: -32768, max: 32767 }), { maxLength: 400 }), (xs) => {
        const codes = alawEncode(Int16Array.from(xs));
        expect([...codes]).toEqual(xs.map(alawEncodeSample));
        expect([...alawDecode(codes)]).toEqual(xs.map((x) => alawDecodeSample(alawEncodeSample(x))));
      }),
    );
  });
});

describe('G.711 against an independent implementation', () => {
  it('decodes every µ-law and A-law code exactly as CPython audioop does', () => {
    expect([...ulawDecode(Uint8Array.from({ length: 256 }, (_, i) => i))]).toEqual(reference.ulawDecode);
    expect([...alawDecode(Uint8Array.from({ length: 256 }, (_, i) => i))]).toEqual(reference.alawDecode);
  });

  it('encodes all 65 536 linear values bit-exactly as CPython audioop does', () => {
    expect(sha256(ulawEncode(fullRange))).toBe(reference.ulawEncodeFullRangeSha256);
    expect(sha256(alawEncode(fullRange))).toBe(reference.alawEncodeFullRangeSha256);
  });
});

describe('G.711 helpers', () => {
  it('picks the law from the static payload type (RFC 3551)', () => {
    expect(g711LawOfPayloadType(0)).toBe('pcmu');
    expect(g711LawOfPayloadType(8)).toBe('pcma');
    expect(g711LawOfPayloadType(9)).toBeUndefined();
  });

  it('dispatches to the right law', () => {
    const pcm = Int16Array.from([0, 1000, -1000]);
    expect([...g711Encode('pcmu', pcm)]).toEqual([0xff, 0xce, 0x4e]);
    expect([...g711Decode('pcma', g711Encode('pcma', pcm))]).toEqual([8, 1008, -1008]);
  });
});
