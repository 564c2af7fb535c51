// The hot accessors (top Via, From, To, CSeq, Contact) parse in place from the header text,
// and the datagram parser finds the end of the header section while splitting lines. These
// paths must give exactly what parsing a copied, trimmed value gives (parseNameAddr, splitList).
import { describe, expect, it } from 'vitest';
import { parseMessage, parseNameAddr, parseUri, SipParseError, splitList } from '../src/index.js';

function msg(...headers: string[]): Buffer {
  return Buffer.from(['OPTIONS sip:a@example.com SIP/2.0', ...headers, '', ''].join('\r\n'), 'latin1');
}

const BASE = [
  'Via: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
  'From: "A" <sip:a@example.com>;tag=1',
  'To: <sip:b@example.com>',
  'Call-ID: c1',
  'CSeq: 7 OPTIONS',
];

function contactUris(m: ReturnType<typeof parseMessage>): string[] | '*' {
  const c = m.contacts;
  return c === '*' ? c : c.map((x) => x.uriText);
}

describe('in-place accessors', () => {
  it('read the values of folded lines like the unfolded value', () => {
    const m = parseMessage(
      msg(
        'Via: SIP/2.0/UDP h.example.com\r\n ;branch=z9hG4bK9 , SIP/2.0/TCP p.example.com',
        'From: "A"\r\n\t<sip:a@example.com>;tag=f1',
        'To: <sip:b@example.com>',
        'Call-ID: c1',
        'CSeq: 8\r\n OPTIONS',
        'Contact: <sip:x@192.0.2.1>,\r\n <sip:y@192.0.2.2>;q=0.5',
      ),
    );
    expect([m.topVia.host, m.topVia.branch, m.topVia.transport]).toEqual([
      'h.example.com',
      'z9hG4bK9',
      'UDP',
    ]);
    expect([m.from.displayName, m.from.uriText, m.from.tag]).toEqual(['A', 'sip:a@example.com', 'f1']);
    expect(m.cseq).toEqual({ seq: 8, method: 'OPTIONS' });
    expect(contactUris(m)).toEqual(['sip:x@192.0.2.1', 'sip:y@192.0.2.2']);
  });

  it('split Contact lines and elements exactly like splitList on each value', () => {
    const lines = [
      'Contact: <sip:a@h1>;q=1, "B, C" <sip:b@h2>',
      'Contact: sip:c@h3 ;expires=5',
      'm: <sip:d@h4>',
    ];
    const m = parseMessage(msg(...BASE, ...lines));
    const expected = lines.flatMap((l) => splitList(l.slice(l.indexOf(':') + 1).trim()));
    expect(contactUris(m)).toEqual(expected.map((v) => parseNameAddr(v, 'Contact').uriText));
    const c = m.contacts;
    expect(c !== '*' && [c[1]!.displayName, c[2]!.expires, c[0]!.q]).toEqual(['B, C', 5, 1]);
  });

  it('treat "*" as in the copied values: alone it is the wildcard, mixed it is an error', () => {
    expect(parseMessage(msg(...BASE, 'Contact: *')).contacts).toBe('*');
    const mixed = parseMessage(msg(...BASE, 'Contact: <sip:a@h>', 'Contact: *'));
    expect(() => mixed.contacts).toThrow(/"\*" mixed with addresses/);
    const inLine = parseMessage(msg(...BASE, 'Contact: * , <sip:a@h>'));
    expect(() => inLine.contacts).toThrow(SipParseError);
  });

  it('trim trailing whitespace of a value the way String#trimEnd does', () => {
    // A vertical tab after a trailing space is trimmed from the value (trimEnd), so the
    // name-addr is valid; without the leading space it stays and the value is invalid.
    const trimmed = parseMessage(
      msg('Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:a@h>;tag=7 \v ', ...BASE.slice(2)),
    );
    expect(trimmed.from.tag).toBe('7');
    const kept = parseMessage(
      msg('Via: SIP/2.0/UDP h;branch=z9hG4bK1', 'From: <sip:a@h>;tag=7\v', ...BASE.slice(2)),
    );
    expect(() => kept.from).toThrow(SipParseError);
  });

  it('give the same values after the message was modified (header objects instead of offsets)', () => {
    const m = parseMessage(msg(...BASE, 'Contact: <sip:a@192.0.2.1:5070>;expires=60'));
    m.setHeader('Max-Forwards', 69);
    expect([m.topVia.branch, m.from.tag, m.from.displayName, m.cseq.seq]).toEqual(['z9hG4bK1', '1', 'A', 7]);
    const c = m.contacts;
    expect(c !== '*' && [c[0]!.uriText, c[0]!.expires]).toEqual(['sip:a@192.0.2.1:5070', 60]);
  });

  it('keep URI parameter order and first-wins with %-escaped and plain names mixed', () => {
    const uri = parseUri('sip:a@h;%6Cr;Transport=TCP;lr=x;transport=udp');
    expect(uri.kind === 'sip' && [...uri.params]).toEqual([
      ['lr', null],
      ['transport', 'TCP'],
    ]);
    expect(uri.kind === 'sip' && [uri.params.get('lr'), uri.params.get('transport')]).toEqual([null, 'TCP']);
  });
});

describe('datagram header section end', () => {
  it('ends at the first empty line; the rest is the body', () => {
    const m = parseMessage(
      Buffer.from(`${msg(...BASE).toString('latin1')}X: not a header\r\n\r\n`, 'latin1'),
    );
    expect(m.body.toString('latin1')).toBe('X: not a header\r\n\r\n');
    expect(m.hasHeader('X')).toBe(false);
  });

  it('reports an unterminated header section before a malformed line in it', () => {
    const bytes = Buffer.from(
      `OPTIONS sip:a@example.com SIP/2.0\r\n${BASE.join('\r\n')}\r\nno colon here`,
      'latin1',
    );
    expect(() => parseMessage(bytes)).toThrow(/header section not terminated/);
  });

  it('reads partial info for a 400 from the header section only, not the body', () => {
    const bytes = Buffer.from(
      `OPTIONS sip:a@example.com SIP/2.0\r\n${BASE.join('\r\n')}\r\nBad Line\r\n\r\nVia: SIP/2.0/UDP body.example.com\r\n`,
      'latin1',
    );
    try {
      parseMessage(bytes);
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SipParseError);
      expect((err as SipParseError).partial?.via).toEqual(['SIP/2.0/UDP h.example.com;branch=z9hG4bK1']);
    }
  });

  it('takes a datagram whose last header line ends it as having an empty body (liberal)', () => {
    const bytes = Buffer.from(`OPTIONS sip:a@example.com SIP/2.0\r\n${BASE.join('\r\n')}\r\n`, 'latin1');
    const m = parseMessage(bytes);
    expect([m.callId, m.body.length]).toEqual(['c1', 0]);
    expect(() => parseMessage(bytes, { requireContentLength: true })).toThrow(/not terminated/);
  });

  it('finds the hot headers recorded while splitting: compact forms, look-alike names, repeats', () => {
    const m = parseMessage(
      msg(
        'Viz: SIP/2.0/UDP decoy.example.com;branch=z9hG4bKdecoy',
        'v: SIP/2.0/UDP h.example.com;branch=z9hG4bK1',
        'f: <sip:a@example.com>;tag=1',
        'TO: <sip:b@example.com>',
        'i: c1',
        'CSEQ: 7 OPTIONS',
        'Contacts: <sip:decoy@example.com>',
        'm: <sip:one@example.com>',
        'Contact: <sip:two@example.com>',
        'l: 0',
      ),
    );
    expect(m.topVia.host).toBe('h.example.com');
    expect([m.from.tag, m.to.uriText, m.callId, m.cseq.seq]).toEqual(['1', 'sip:b@example.com', 'c1', 7]);
    expect(contactUris(m)).toEqual(['sip:one@example.com', 'sip:two@example.com']);
    expect(m.contentLength).toBe(0);
    expect(m.getHeader('viz')).toBe('SIP/2.0/UDP decoy.example.com;branch=z9hG4bKdecoy');
    expect(m.getHeader('contacts')).toBe('<sip:decoy@example.com>');
  });
});
