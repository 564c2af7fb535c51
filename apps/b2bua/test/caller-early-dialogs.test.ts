import { describe, expect, it } from 'vitest';
import { CallerEarlyDialogs } from '../src/calls/legs/caller-early-dialogs.js';

/** Issue #16 item 10: one caller-side early dialog per callee early dialog (RFC 3261 §12.1.2, §16.7). */
describe('CallerEarlyDialogs', () => {
  it('the first early dialog keeps the first tag; each further branch or callee tag gets its own', () => {
    const early = new CallerEarlyDialogs('first');
    expect(early.tagFor('leg-a', 'a1')).toBe('first');
    const b = early.tagFor('leg-b', 'b1');
    expect(b).not.toBe('first');
    // A branch forked again downstream (a second To-tag on the same leg) is another early dialog.
    const a2 = early.tagFor('leg-a', 'a2');
    expect(new Set(['first', b, a2]).size).toBe(3);
    // The same early dialog keeps its tag (its 180, then its 183, then its 200).
    expect(early.tagFor('leg-b', 'b1')).toBe(b);
    expect(early.tagFor('leg-a', 'a1')).toBe('first');
  });

  it('knows its own tags (a BYE on any early dialog) and nothing else', () => {
    const early = new CallerEarlyDialogs('first');
    expect(early.has('first')).toBe(true);
    early.tagFor('leg-a', 'a1');
    const b = early.tagFor('leg-b', undefined);
    expect(early.has(b)).toBe(true);
    expect(early.has('other')).toBe(false);
    expect(early.has(undefined)).toBe(false);
  });
});
