import { describe, expect, it } from 'vitest';
import {
  classAllows,
  classifyNumber,
  compileDialPattern,
  DialPatternError,
  dialPrefixes,
  NumberingError,
  rewriteNumber,
  toE164,
} from '../src/index.js';

describe('dial patterns (Asterisk syntax)', () => {
  it('X, Z, N, sets and ranges match one digit each, over the whole number', () => {
    const p = compileDialPattern('_9NXXNXXXXXX');
    expect(p.matches('92125551234')).toBe(true);
    expect(p.matches('91125551234')).toBe(false); // N is 2-9
    expect(p.matches('9212555123')).toBe(false); // too short
    expect(p.matches('921255512345')).toBe(false); // too long
    expect(compileDialPattern('_0Z[1-35]X').matches('0135')).toBe(true);
    expect(compileDialPattern('_0Z[1-35]X').matches('0145')).toBe(false);
    expect(compileDialPattern('_0z[1-35]x').matches('0155')).toBe(true); // letters in any case
  });

  it('"." needs one or more characters, "!" zero or more; literals match exactly', () => {
    expect(compileDialPattern('_00.').matches('00')).toBe(false);
    expect(compileDialPattern('_00.').matches('0044207')).toBe(true);
    expect(compileDialPattern('_00!').matches('00')).toBe(true);
    expect(compileDialPattern('_+49.').matches('+4930123')).toBe(true);
    expect(compileDialPattern('_*67.').matches('*670301')).toBe(true);
    expect(compileDialPattern('112').matches('112')).toBe(true);
    expect(compileDialPattern('112').matches('1120')).toBe(false);
  });

  it('bad patterns are refused with the reason', () => {
    for (const [pattern, reason] of [
      ['_9.X', 'only allowed at the end'],
      ['_9[1-', 'unclosed'],
      ['_9[5-1]', 'backwards'],
      ['_9[a]', 'must list digits'],
      ['_9Q', 'unexpected character'],
      ['_', 'nothing after _'],
      ['9XX', 'literal number'],
      ['', '1-64'],
    ]) {
      expect(() => compileDialPattern(pattern ?? '')).toThrow(DialPatternError);
      expect(() => compileDialPattern(pattern ?? '')).toThrow(reason);
    }
  });

  it('strip then prepend', () => {
    expect(rewriteNumber('903012345', 1, '')).toBe('03012345');
    expect(rewriteNumber('03012345', 1, '+49')).toBe('+493012345');
    expect(rewriteNumber('123', 5, '0')).toBe('0');
  });
});

const berlin = { country: 'DE', areaCode: '30', emergencyNumbers: ['112', '110'] };
const nyc = { country: 'US', areaCode: '212', emergencyNumbers: ['911'] };

describe('number classification and E.164', () => {
  it('Germany: local, national, international, emergency', () => {
    expect(classifyNumber('12345678', berlin)).toEqual({ class: 'local', e164: '+493012345678' });
    expect(classifyNumber('08912345678', berlin)).toEqual({ class: 'national', e164: '+498912345678' });
    expect(classifyNumber('+498912345678', berlin)).toEqual({ class: 'national', e164: '+498912345678' });
    expect(classifyNumber('00498912345678', berlin)).toEqual({ class: 'national', e164: '+498912345678' });
    expect(classifyNumber('00442071234567', berlin)).toEqual({
      class: 'international',
      e164: '+442071234567',
    });
    expect(classifyNumber('112', berlin)).toEqual({ class: 'emergency', number: '112' });
    expect(classifyNumber('1', berlin).class).toBe('invalid');
    expect(classifyNumber('12a', berlin).class).toBe('invalid');
  });

  it('USA: 7-digit local, 10/11-digit national, 011 international', () => {
    expect(classifyNumber('5550123', nyc)).toEqual({ class: 'local', e164: '+12125550123' });
    expect(classifyNumber('3125550123', nyc)).toEqual({ class: 'national', e164: '+13125550123' });
    expect(classifyNumber('13125550123', nyc)).toEqual({ class: 'national', e164: '+13125550123' });
    expect(classifyNumber('011442071234567', nyc)).toEqual({
      class: 'international',
      e164: '+442071234567',
    });
    expect(classifyNumber('911', nyc)).toEqual({ class: 'emergency', number: '911' });
  });

  it('without an area code nothing is local', () => {
    expect(classifyNumber('12345678', { country: 'DE', emergencyNumbers: [] }).class).not.toBe('local');
  });

  it('class order: internal < local < national < international', () => {
    expect(classAllows('national', 'local')).toBe(true);
    expect(classAllows('national', 'international')).toBe(false);
    expect(classAllows('internal', 'local')).toBe(false);
    expect(classAllows('international', 'international')).toBe(true);
  });

  it('prefixes per country; an unknown country is an error', () => {
    expect(dialPrefixes('DE')).toEqual({ national: '0', international: '00', callingCode: '49' });
    expect(dialPrefixes('us')).toEqual({ national: '1', international: '011', callingCode: '1' });
    expect(() => dialPrefixes('XX')).toThrow(NumberingError);
  });

  it('toE164 reads what a provider delivers', () => {
    expect(toE164('+493012345678', 'DE')).toBe('+493012345678');
    expect(toE164('03012345678', 'DE')).toBe('+493012345678');
    expect(toE164('12', 'DE')).toBeUndefined();
  });
});
