import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseRtpmap } from '../src/index.js';
import { parseFmtp, parseRtcpFb, parseSsrc, parseUint } from '../src/model/sdp-fields.js';
import {
  digitsAt,
  isValidFmtp,
  isValidRtcpFb,
  isValidRtpmap,
  isValidSsrc,
} from '../src/model/sdp-validators.js';

// Strings over the characters that matter to these grammars, so that edge cases come up often.
const value = fc
  .array(fc.constantFrom('0', '1', '9', '7', '2', ' ', '/', ':', 'a', 'P', '-', '*'), { maxLength: 14 })
  .map((cs) => cs.join(''));

describe('fast validators accept exactly what the typed parsers accept', () => {
  it.each([
    ['rtpmap', isValidRtpmap, parseRtpmap],
    ['fmtp', isValidFmtp, parseFmtp],
    ['rtcp-fb', isValidRtcpFb, parseRtcpFb],
    ['ssrc', isValidSsrc, parseSsrc],
  ] as const)('%s', (_name, valid, parse) => {
    fc.assert(
      fc.property(value, (v) => {
        expect(valid(v)).toBe(parse(v) !== undefined);
      }),
      { numRuns: 3000 },
    );
  });

  it('digitsAt agrees with parseUint', () => {
    fc.assert(
      fc.property(value, (v) => {
        const n = digitsAt(v, 0, v.length);
        expect(n < 0 ? undefined : n).toBe(parseUint(v));
      }),
    );
  });

  it('accepts typical values', () => {
    expect(isValidRtpmap('96 opus/48000/2')).toBe(true);
    expect(isValidRtpmap('128 opus/48000')).toBe(false);
    expect(isValidRtcpFb('* ccm tmmbr')).toBe(true);
    expect(isValidSsrc('4294967295 cname:x')).toBe(true);
    expect(isValidSsrc('4294967296 cname:x')).toBe(false);
  });
});
