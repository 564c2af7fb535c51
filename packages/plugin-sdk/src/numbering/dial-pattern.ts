/**
 * Dial patterns in Asterisk's syntax (the one FreePBX and most PBX admins know). A pattern that
 * starts with `_` is matched character by character against the whole dialled number:
 *
 * | char      | matches                                        |
 * | --------- | ---------------------------------------------- |
 * | `X`       | any digit 0-9                                  |
 * | `Z`       | any digit 1-9                                  |
 * | `N`       | any digit 2-9                                  |
 * | `[15-7]`  | one character of the set (digits and ranges)   |
 * | `.`       | one or more characters (only at the end)       |
 * | `!`       | zero or more characters (only at the end)      |
 * | other     | itself: 0-9, `*`, `#`, `+`                      |
 *
 * Letters are case-insensitive (`_9nxx` = `_9NXX`). Without `_` the pattern is a literal number
 * (`112` matches only "112").
 */
export interface DialPattern {
  readonly source: string;
  matches(number: string): boolean;
}

export class DialPatternError extends Error {
  constructor(
    readonly pattern: string,
    readonly reason: string,
  ) {
    super(`dial pattern "${pattern}": ${reason}`);
    this.name = 'DialPatternError';
  }
}

const LITERAL = /^[0-9*#+]$/;

/** Compiles a pattern; throws DialPatternError with the reason when it is not valid. */
export function compileDialPattern(source: string): DialPattern {
  if (source.length === 0 || source.length > 64)
    throw new DialPatternError(source, 'must be 1-64 characters');
  if (!source.startsWith('_')) {
    if (!/^[0-9*#+]+$/.test(source))
      throw new DialPatternError(
        source,
        'a literal number has only 0-9, *, # and + (start a pattern with _)',
      );
    return { source, matches: (n) => n === source };
  }
  const regex = new RegExp(`^${translate(source)}$`);
  return { source, matches: (n) => regex.test(n) };
}

function translate(source: string): string {
  const body = source.slice(1);
  if (body.length === 0) throw new DialPatternError(source, 'nothing after _');
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const c = body.charAt(i).toUpperCase();
    const last = i === body.length - 1;
    if (c === 'X') out += '[0-9]';
    else if (c === 'Z') out += '[1-9]';
    else if (c === 'N') out += '[2-9]';
    else if (c === '.' || c === '!') {
      if (!last) throw new DialPatternError(source, `${c} is only allowed at the end`);
      out += c === '.' ? '[0-9*#+]+' : '[0-9*#+]*';
    } else if (c === '[') {
      const close = body.indexOf(']', i);
      if (close < 0) throw new DialPatternError(source, 'unclosed [');
      out += charClass(source, body.slice(i + 1, close));
      i = close;
    } else if (LITERAL.test(c)) out += c === '*' || c === '+' ? `\\${c}` : c;
    else throw new DialPatternError(source, `unexpected character "${body.charAt(i)}"`);
  }
  return out;
}

function charClass(source: string, set: string): string {
  if (!/^(?:[0-9*#](?:-[0-9])?)+$/.test(set))
    throw new DialPatternError(source, `[${set}] must list digits, * or # and ranges such as 1-5`);
  for (const m of set.matchAll(/([0-9])-([0-9])/g)) {
    if ((m[1] ?? '') > (m[2] ?? '')) throw new DialPatternError(source, `range ${m[0]} is backwards`);
  }
  return `[${set.replace(/\*/g, '\\*')}]`;
}

/** Removes the first `strip` characters, then puts `prepend` in front (FreePBX's prefix/prepend). */
export function rewriteNumber(number: string, strip: number, prepend: string): string {
  return `${prepend}${number.slice(Math.max(0, strip))}`;
}
