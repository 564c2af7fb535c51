import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BencodeError, decodeBencode, encodeBencode, type BencodeValue } from '../src/index.js';

const text = (s: string): string => encodeBencode(s).toString('utf8');

describe('bencode (BEP 3)', () => {
  it('encodes each type as the ng protocol expects', () => {
    expect(text('pong')).toBe('4:pong');
    expect(text('')).toBe('0:');
    expect(encodeBencode(-42).toString()).toBe('i-42e');
    expect(encodeBencode(0).toString()).toBe('i0e');
    expect(encodeBencode(['a', 1, []]).toString()).toBe('l1:ai1elee');
    // Keys sorted as byte strings; undefined entries left out.
    expect(encodeBencode({ sdp: 'v=0', command: 'offer', 'call-id': 'c', flags: undefined }).toString()).toBe(
      'd7:call-id1:c7:command5:offer3:sdp3:v=0e',
    );
  });

  it('counts string lengths in UTF-8 bytes, not characters', () => {
    expect(text('é')).toBe('2:é');
    expect(decodeBencode(Buffer.from('2:é', 'utf8'))).toBe('é');
  });

  it('refuses what it cannot encode', () => {
    expect(() => encodeBencode(1.5)).toThrow(RangeError);
    expect(() => encodeBencode(Number.MAX_SAFE_INTEGER + 2)).toThrow(RangeError);
  });

  it('decodes an rtpengine answer', () => {
    const answer = decodeBencode(
      Buffer.from('d6:result2:ok3:sdp5:v=0\r\n7:warning0:6:totalsd3:RTPd7:packetsi12eeee'),
    );
    expect(answer).toEqual({ result: 'ok', sdp: 'v=0\r\n', warning: '', totals: { RTP: { packets: 12 } } });
  });

  it('decodes from an offset (after the cookie)', () => {
    const msg = Buffer.from('abc123 d6:result4:ponge');
    expect(decodeBencode(msg, 7)).toEqual({ result: 'pong' });
  });

  it('round-trips any value', () => {
    const value: fc.Arbitrary<BencodeValue> = fc.letrec<{ v: BencodeValue }>((tie) => ({
      v: fc.oneof(
        { depthSize: 'small' },
        fc.string({ unit: 'grapheme' }),
        fc.maxSafeInteger(),
        fc.array(tie('v'), { maxLength: 4 }),
        fc.dictionary(fc.string(), tie('v'), { maxKeys: 4 }),
      ),
    })).v;
    fc.assert(
      fc.property(value, (v) => {
        expect(decodeBencode(encodeBencode(v))).toEqual(v);
      }),
      { numRuns: 300 },
    );
  });

  it.each([
    ['', 'unexpected end of input', 0],
    ['i12', 'unterminated integer', 1],
    ['i-0e', "bad integer '-0'", 1],
    ['i012e', "bad integer '012'", 1],
    ['ie', "bad integer ''", 1],
    ['i1.5e', "bad integer '1.5'", 1],
    ['i99999999999999999999e', 'integer 99999999999999999999 out of range', 1],
    ['5:abc', 'string runs past the end of input', 0],
    ['05:abcde', 'bad string length', 1],
    ['3x:abc', 'bad string length', 1],
    ['99999999999:a', 'string longer than the input', 0],
    ['l1:a', 'unexpected end of input', 4],
    ['di1e1:ae', 'dictionary key is not a string', 1],
    ['d1:ae', "unexpected 'e'", 4],
    ['x', "unexpected 'x'", 0],
    ['4:pongtrailing', 'trailing data after the value', 6],
    ['l'.repeat(40) + 'e'.repeat(40), 'nested too deeply', 33],
  ])('refuses %j: %s', (input, message, offset) => {
    let error: unknown;
    try {
      decodeBencode(Buffer.from(input, 'latin1'));
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(BencodeError);
    expect((error as BencodeError).message).toBe(`bencode: ${message} at byte ${offset}`);
    expect((error as BencodeError).offset).toBe(offset);
  });

  it('never throws anything but BencodeError on random bytes', () => {
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 64 }), (bytes) => {
        try {
          decodeBencode(Buffer.from(bytes));
        } catch (err) {
          expect(err).toBeInstanceOf(BencodeError);
        }
      }),
      { numRuns: 2000 },
    );
  });
});
