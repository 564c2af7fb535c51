import { describe, expect, it } from 'vitest';
import { menuOptionsSchema } from '../src/index.js';

describe('menu options schema', () => {
  it('takes one destination per keypad key', () => {
    const options = [
      { digit: '1', destination: { kind: 'ring_group', target: '600' } },
      { digit: '#', destination: { kind: 'menu', target: '8001' } },
      { digit: '0', destination: { kind: 'hangup' } },
    ];
    expect(menuOptionsSchema.parse(options)).toEqual(options);
  });

  it('refuses a key that is not one keypad key, an unknown destination and a key used twice', () => {
    const issues = (value: unknown) =>
      menuOptionsSchema.safeParse(value).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    expect(issues([{ digit: '12', destination: { kind: 'hangup' } }])).toEqual([
      '0.digit: must be one key: 0-9, * or #',
    ]);
    expect(issues([{ digit: '1', destination: { kind: 'extension', target: 'abc' } }])?.[0]).toMatch(
      /^0\.destination\.target: must be 1-32 characters/,
    );
    const twice = { digit: '1', destination: { kind: 'hangup' } };
    expect(issues([twice, twice])).toEqual([': each key may be used once']);
  });
});
