// Hostile inputs: parsing must stay linear (no super-linear regular expressions, no
// recursion) and end with a message or a SipParseError. Timing is compared between a 1x and a
// 10x input with a generous bound, never against an absolute threshold.
import { describe, expect, it } from 'vitest';
import { parseMessage, SipParseError, StreamFramer, type SipMessage, validate } from '../src/index.js';

const BASE = [
  'OPTIONS sip:a@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
  'From: <sip:b@example.com>;tag=1',
  'To: <sip:a@example.com>',
  'Call-ID: adv@192.0.2.1',
  'CSeq: 1 OPTIONS',
  'Max-Forwards: 70',
];

function message(extra: string[]): Buffer {
  return Buffer.from([...BASE, ...extra, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1');
}

/**
 * Cost of a run in ms of this process's CPU time (not wall time: on a loaded machine the wall
 * clock also counts the time spent waiting for a core), best of a few runs.
 */
function cost(run: () => void): number {
  let best = Infinity;
  for (let i = 0; i < 5; i++) {
    const t = process.cpuUsage();
    run();
    const used = process.cpuUsage(t);
    best = Math.min(best, (used.user + used.system) / 1000);
  }
  return best;
}

function parseAndCheck(bytes: Buffer): SipMessage | SipParseError {
  try {
    const m = parseMessage(bytes);
    const r = validate(m);
    return r.ok ? m : r.error;
  } catch (err) {
    if (err instanceof SipParseError) return err;
    throw err;
  }
}

/**
 * Compares one parse of a 10x input with ten parses of the 1x input: about 1 when linear,
 * about 10 when quadratic. Best of several runs and attempts, and a generous bound, so a busy
 * machine cannot fail it while a quadratic parser cannot pass it.
 */
function expectLinear(make: (n: number) => Buffer, n: number): void {
  const small = make(n);
  const large = make(n * 10);
  parseAndCheck(small);
  parseAndCheck(large);
  let best = Infinity;
  // More attempts cannot let a quadratic parser through (its every attempt is ~10), they only
  // outlast a burst of load; a linear parser measures ~1 here on a quiet machine.
  for (let attempt = 0; attempt < 8 && best >= 5; attempt++) {
    const tenSmall = cost(() => {
      for (let i = 0; i < 10; i++) parseAndCheck(small);
    });
    best = Math.min(best, cost(() => parseAndCheck(large)) / Math.max(tenSmall, 0.5));
  }
  expect(best).toBeLessThan(5);
}

describe('adversarial inputs', { timeout: 120_000 }, () => {
  it('10,000 headers parse, with every header kept in order', () => {
    const extra = Array.from({ length: 10000 }, (_, i) => `X-H${i}: v${i}`);
    const m = parseMessage(message(extra));
    expect(m.headers.length).toBe(BASE.length - 1 + 10000 + 1);
    expect(m.getHeader('x-h9999')).toBe('v9999');
    expect(validate(m)).toEqual({ ok: true });
    expectLinear((n) => message(Array.from({ length: n }, (_, i) => `X-H${i}: v${i}`)), 1000);
  });

  it('a header limit gives a clear error', () => {
    const extra = Array.from({ length: 2000 }, (_, i) => `X-H${i}: v`);
    expect(() => parseMessage(message(extra), { maxHeaders: 1000 })).toThrow('Too many header fields');
    const framer = new StreamFramer({ maxHeaderBytes: 1024 });
    expect(() => framer.push(message(extra))).toThrow(expect.objectContaining({ status: 513 }));
  });

  it('64 KiB header lines', () => {
    const long = 'a'.repeat(65536);
    const m = parseMessage(message([`X-Long: ${long}`, `Subject: ${long}`]));
    expect(m.getHeader('X-Long')?.length).toBe(65536);
    expect(validate(m)).toEqual({ ok: true });
    const longUri = parseAndCheck(message([`Contact: <sip:${'u'.repeat(65536)}@example.com>`]));
    expect(longUri).not.toBeInstanceOf(SipParseError);
    expectLinear(
      (n) =>
        message([`X-Long: ${'a'.repeat(n)}`, `Contact: <sip:${'u'.repeat(n)}@h.example>;p=${'v'.repeat(n)}`]),
      6553,
    );
  });

  it('deep nesting of quotes and escapes in display names', () => {
    const nested = (n: number): Buffer => message([`Contact: "${'\\"'.repeat(n)}" <sip:x@example.com>`]);
    const m = parseMessage(nested(20000));
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts[0]!.displayName).toBe('"'.repeat(20000));
    expectLinear(nested, 2000);
    const unbalanced = parseAndCheck(message([`To: ${'"'.repeat(30001)}<sip:a@example.com>`]));
    expect(unbalanced).toBeInstanceOf(SipParseError);
    expectLinear((n) => message([`To: ${'"'.repeat(n * 2 + 1)}<sip:a@example.com>`]), 2000);
  });

  it('deep nesting of angle brackets and comments', () => {
    const angles = (n: number): Buffer =>
      message([`Route: ${'<'.repeat(n)}sip:p.example.com${'>'.repeat(n)}`]);
    const r = parseAndCheck(angles(20000));
    expect(r).toBeInstanceOf(SipParseError);
    expectLinear(angles, 2000);
    const comments = (n: number): Buffer => message([`Retry-After: 5 ${'('.repeat(n)}x${')'.repeat(n)}`]);
    const c = parseAndCheck(comments(20000));
    expect(c).not.toBeInstanceOf(SipParseError);
    expect((c as SipMessage).retryAfter?.seconds).toBe(5);
    expectLinear(comments, 2000);
    const lists = (n: number): Buffer => message([`Via: ${'SIP/2.0/UDP h;'.repeat(1)}${',;'.repeat(n)}`]);
    expect(parseAndCheck(lists(20000))).toBeInstanceOf(SipParseError);
    expectLinear(lists, 2000);
  });

  it('many folded continuation lines and many parameters', () => {
    const folded = (n: number): Buffer => message([`X-Fold: a${'\r\n b'.repeat(n)}`]);
    const m = parseMessage(folded(10000));
    expect(m.getHeader('X-Fold')?.length).toBe(1 + 2 * 10000);
    expectLinear(folded, 1000);
    const params = (n: number): Buffer =>
      message([`Contact: <sip:a@example.com>${Array.from({ length: n }, (_, i) => `;p${i}`).join('')}`]);
    expect(parseAndCheck(params(10000))).not.toBeInstanceOf(SipParseError);
    expectLinear(params, 1000);
  });
});
