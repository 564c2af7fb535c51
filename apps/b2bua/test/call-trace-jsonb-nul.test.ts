import type { CallTrace } from '@switchboard/sip-trace';
import { describe, expect, it } from 'vitest';
import { NUL_STAND_IN, nulToStandIn, traceHasNul } from '../src/calls/trace/jsonb-nul.js';

const entry = (msg: string): CallTrace['entries'][number] => ({
  t: 1,
  dir: 'in',
  proto: 'UDP',
  local: { host: '192.0.2.1', port: 5060 },
  remote: { host: '192.0.2.7', port: 5060 },
  msg,
});

/** jsonb cannot hold U+0000: a trace with a NUL is written with "␀" instead, other text as it is. */
describe('NUL in a stored trace', () => {
  it('finds a NUL in any message or SIP Call-ID, and none in ordinary text', () => {
    const ok: CallTrace = { sipCallIds: ['a@b'], entries: [entry('INVITE \\u0000 "x"\x01')], dropped: 0 };
    expect(traceHasNul(ok)).toBe(false);
    expect(traceHasNul({ ...ok, entries: [...ok.entries, entry('body a\u0000b')] })).toBe(true);
    expect(traceHasNul({ ...ok, sipCallIds: ['a@b', 'c\u0000'] })).toBe(true);
  });

  it('the replacer writes each NUL of every string as U+2400 and leaves the rest as JSON.stringify does', () => {
    const value = {
      msg: 'a\u0000b\u0000',
      ids: ['c\u0000'],
      t: 1.5,
      ctl: '\x01\t"\\u0000',
      emoji: '😀',
      n: null,
    };
    const text = JSON.stringify(value, nulToStandIn);
    expect(NUL_STAND_IN).toBe('␀');
    expect(JSON.parse(text)).toEqual({ ...value, msg: 'a␀b␀', ids: ['c␀'] });
  });
});
