// The parser's fast paths (header offsets instead of objects, parameters kept as offsets until
// iterated, the CSeq fast path) must give exactly what the general code gives.
import { describe, expect, it } from 'vitest';
import { parseMessage, SipParseError, StreamFramer } from '../src/index.js';

function msg(...headers: string[]): Buffer {
  return Buffer.from(['OPTIONS sip:a@example.com SIP/2.0', ...headers, '', ''].join('\r\n'), 'latin1');
}

const BASE = [
  'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
  'From: <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
  'Call-ID: c1',
];

describe('parser fast paths', () => {
  it('typed accessors read the same values before and after the header list is materialized', () => {
    const bytes = msg(...BASE, 'CSeq: 7 OPTIONS', 'Contact: <sip:a@192.0.2.1:5070>;expires=60');
    const lazy = parseMessage(bytes);
    const eager = parseMessage(bytes);
    expect(eager.headers.map((h) => h.name)).toEqual(['Via', 'From', 'To', 'Call-ID', 'CSeq', 'Contact']);
    for (const m of [lazy, eager]) {
      expect(m.topVia.branch).toBe('z9hG4bK1');
      expect(m.from.tag).toBe('1');
      expect(m.to.tag).toBeUndefined();
      expect(m.callId).toBe('c1');
      expect(m.cseq).toEqual({ seq: 7, method: 'OPTIONS' });
      const contacts = m.contacts;
      expect(contacts !== '*' && contacts[0]?.expires).toBe(60);
    }
    expect(lazy.toBuffer().equals(bytes)).toBe(true);
  });

  it('a CR before the colon is a line without colon', () => {
    expect(() => parseMessage(msg(...BASE, 'CSeq\r: 1 OPTIONS'))).toThrow(SipParseError);
    expect(() => parseMessage(msg(...BASE, 'CSeq\r: 1 OPTIONS'))).toThrow(/no colon/);
  });

  it('folded values keep their general handling; a lone CR is a 400 (RFC 3261 §7.3.1)', () => {
    const m = parseMessage(msg(...BASE, 'CSeq: 1', ' OPTIONS', 'X-A: a b'));
    expect(m.cseq).toEqual({ seq: 1, method: 'OPTIONS' });
    expect(m.getHeader('X-A')).toBe('a b');
    expect(() => parseMessage(msg(...BASE, 'CSeq: 1 OPTIONS', 'X-A: a\rb'))).toThrow(
      /Lone CR in the X-A header/,
    );
  });

  it('parameters: case-insensitive names, first one wins, size counts distinct names', () => {
    const m = parseMessage(
      msg(...BASE.slice(1), 'Via: SIP/2.0/UDP h;BRANCH=z9hG4bKx;branch=other;rport;RPort=5'),
    );
    const via = m.topVia;
    expect(via.branch).toBe('z9hG4bKx');
    expect(via.rport).toBeNull();
    expect(via.params.size).toBe(2);
    expect([...via.params]).toEqual([
      ['branch', 'z9hG4bKx'],
      ['rport', null],
    ]);
    expect(via.params.has('missing')).toBe(false);
  });

  it('CSeq: the fast path and the general scanner agree on edge cases', () => {
    const cseq = (v: string): unknown => {
      try {
        return parseMessage(msg(...BASE, `CSeq: ${v}`)).cseq;
      } catch (err) {
        return err instanceof SipParseError ? 'error' : err;
      }
    };
    expect(cseq('4294967295 OPTIONS')).toEqual({ seq: 4294967295, method: 'OPTIONS' });
    expect(cseq('4294967296 OPTIONS')).toBe('error');
    expect(cseq('0000000001 OPTIONS')).toEqual({ seq: 1, method: 'OPTIONS' });
    expect(cseq('00000000001 OPTIONS')).toBe('error'); // more than 10 digits
    expect(cseq('1\tOPTIONS')).toEqual({ seq: 1, method: 'OPTIONS' });
    expect(cseq('1  OPTIONS')).toEqual({ seq: 1, method: 'OPTIONS' });
    expect(cseq('1 OPTIONS x')).toBe('error');
    expect(cseq('1 ')).toBe('error');
    expect(cseq('1OPTIONS')).toBe('error');
  });

  it('stream errors read every Via line for the partial message', () => {
    const framer = new StreamFramer();
    const bytes = msg(
      'Via: SIP/2.0/TCP a;branch=z9hG4bK1',
      'Max-Forwards: 70',
      'v: SIP/2.0/TCP b;branch=z9hG4bK2',
      ...BASE.slice(1),
      'CSeq: 1 OPTIONS',
    );
    let error: unknown;
    try {
      framer.push(bytes);
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SipParseError);
    expect((error as SipParseError).partial?.via).toEqual([
      'SIP/2.0/TCP a;branch=z9hG4bK1',
      'SIP/2.0/TCP b;branch=z9hG4bK2',
    ]);
    expect((error as SipParseError).partial?.cseq).toBe('1 OPTIONS');
  });

  it('names are identified in any case and compact form, also after the list is materialized', () => {
    const m = parseMessage(
      msg(
        'VIA: SIP/2.0/UDP h;branch=z9hG4bK9',
        'f: <sip:a@x>;tag=f1',
        't: <sip:b@x>',
        'call-id: c9',
        'cseq: 2 OPTIONS',
        'X-Via: no',
        'l: 0',
      ),
    );
    expect(m.topVia.branch).toBe('z9hG4bK9');
    expect(m.from.tag).toBe('f1');
    expect(m.callId).toBe('c9');
    expect(m.contentLength).toBe(0);
    expect(m.getHeader('x-via')).toBe('no');
    expect(m.headers.map((h) => h.id === 0)).toEqual([false, false, false, false, false, true, false]);
  });
});
