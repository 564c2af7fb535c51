import { describe, expect, it } from 'vitest';
import { readCookie, sessionCookie } from '../src/auth/cookies.js';
import { generatePassword } from '../src/auth/random-secret.js';
import { csvField, csvLine } from '../src/calls/csv.js';
import { formatTable, safeText } from '../src/cli/table.js';

describe('csv', () => {
  it('quotes per RFC 4180 and defuses formula cells', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField('say "hi"')).toBe('"say ""hi"""');
    expect(csvField('=1+1')).toBe("'=1+1");
    expect(csvField('+49 30')).toBe("'+49 30");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
    expect(csvField(null)).toBe('');
    expect(csvField(42)).toBe('42');
    expect(csvLine(['a', null, 'b\nc'])).toBe('a,,"b\nc"\r\n');
  });
});

describe('cookies', () => {
  it('reads one cookie among several and survives bad encoding', () => {
    expect(readCookie('a=1; sb_session=abc%2Bd; b=2', 'sb_session')).toBe('abc+d');
    expect(readCookie('sb_session=%E0%A4%A', 'sb_session')).toBeUndefined();
    expect(readCookie(undefined, 'sb_session')).toBeUndefined();
  });

  it('builds an HttpOnly SameSite=Strict cookie, Secure on request', () => {
    expect(sessionCookie('t', 60, false)).toBe('sb_session=t; Path=/; HttpOnly; SameSite=Strict; Max-Age=60');
    expect(sessionCookie('t', 60, true)).toMatch(/; Secure$/);
  });
});

describe('generated passwords', () => {
  it('have the asked length, no look-alike characters, and differ', () => {
    const passwords = Array.from({ length: 50 }, () => generatePassword(20));
    for (const p of passwords) expect(p).toMatch(/^[A-HJ-NP-Za-km-z2-9]{20}$/);
    expect(new Set(passwords).size).toBe(50);
  });
});

describe('terminal output', () => {
  it('pads columns and shows control characters as escapes', () => {
    expect(formatTable(['A', 'BB'], [['xyz', '1']])).toBe('A    BB\nxyz  1\n');
    expect(safeText('ok\u001b[31mred\u0007')).toBe('ok\\x1b[31mred\\x07');
  });
});
