import { describe, expect, it } from 'vitest';
import {
  createRequest,
  createResponse,
  DerivedKey,
  formatNameAddr,
  formatVia,
  parseMessage,
  SipParseError,
  SipRequest,
  SipResponse,
  validate,
} from '../src/index.js';

const INVITE = [
  'INVITE sip:bob@biloxi.example.com SIP/2.0',
  'Via: SIP/2.0/UDP pc33.atlanta.example.com;branch=z9hG4bK776asdhds;rport',
  'v: SIP/2.0/TCP proxy.example.com:5061;branch=z9hG4bKp1;received=192.0.2.9',
  'Max-Forwards: 70',
  'To: Bob <sip:bob@biloxi.example.com>',
  'From: "Alice A." <sip:alice@atlanta.example.com>;tag=1928301774',
  'i: a84b4c76e66710@pc33.atlanta.example.com',
  'CSeq: 314159 INVITE',
  'm: <sip:alice@pc33.atlanta.example.com;transport=tcp>;expires=60;q=0.5, sip:alice@[2001:db8::1]:5070',
  'Record-Route: <sip:p1.example.com;lr>, <sip:p2.example.com;lr>',
  'X-Custom:  kept   as is ',
  'Content-Type: application/sdp',
  'Content-Length: 5',
  '',
  'v=0\r\n',
].join('\r\n');

describe('parseMessage', () => {
  it('exposes start line, ordered headers and body bytes', () => {
    const m = parseMessage(Buffer.from(INVITE, 'latin1'));
    expect(m).toBeInstanceOf(SipRequest);
    if (m.kind !== 'request') throw new Error('request expected');
    expect(m.method).toBe('INVITE');
    expect(m.requestUri).toBe('sip:bob@biloxi.example.com');
    expect(m.headers.map((h) => h.name)).toEqual([
      'Via',
      'v',
      'Max-Forwards',
      'To',
      'From',
      'i',
      'CSeq',
      'm',
      'Record-Route',
      'X-Custom',
      'Content-Type',
      'Content-Length',
    ]);
    expect(m.body.toString()).toBe('v=0\r\n');
    expect(m.getHeader('x-custom')).toBe('kept   as is');
    expect(m.getHeader('CALL-ID')).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.getHeaders('via')).toHaveLength(2);
  });

  it('parses typed values lazily', () => {
    const m = parseMessage(Buffer.from(INVITE, 'latin1'));
    expect(m.via.map((v) => [v.transport, v.host, v.port, v.branch, v.received, v.rport])).toEqual([
      ['UDP', 'pc33.atlanta.example.com', undefined, 'z9hG4bK776asdhds', undefined, null],
      ['TCP', 'proxy.example.com', 5061, 'z9hG4bKp1', '192.0.2.9', undefined],
    ]);
    expect(m.topVia.branch).toBe('z9hG4bK776asdhds');
    expect(m.cseq).toEqual({ seq: 314159, method: 'INVITE' });
    expect(m.from.displayName).toBe('Alice A.');
    expect(m.from.tag).toBe('1928301774');
    expect(m.to.tag).toBeUndefined();
    expect(m.to.displayName).toBe('Bob');
    expect(m.maxForwards).toBe(70);
    expect(m.contentLength).toBe(5);
    expect(m.contentType?.mediaType).toBe('application/sdp');
    const contacts = m.contacts;
    if (contacts === '*') throw new Error('list expected');
    expect(contacts).toHaveLength(2);
    expect(contacts[0]!.expires).toBe(60);
    expect(contacts[0]!.q).toBe(0.5);
    const second = contacts[1]!.uri;
    expect(second.kind === 'sip' && [second.host, second.port]).toEqual(['[2001:db8::1]', 5070]);
    expect(m.recordRoutes.map((r) => r.uriText)).toEqual(['sip:p1.example.com;lr', 'sip:p2.example.com;lr']);
    expect(validate(m)).toEqual({ ok: true });
  });

  it('keeps a derived value until the message is modified; another key replaces it', () => {
    const m = parseMessage(Buffer.from(INVITE));
    const key = new DerivedKey<string>('test');
    let computed = 0;
    const read = (msg: typeof m): string => `${++computed}:${msg.callId}`;
    expect(m.derived(key, read)).toBe('1:a84b4c76e66710@pc33.atlanta.example.com');
    expect(m.derived(key, read)).toBe('1:a84b4c76e66710@pc33.atlanta.example.com');
    m.setHeader('Call-ID', 'changed@x');
    expect(m.derived(key, read)).toBe('2:changed@x');
    expect(m.clone().derived(key, read)).toBe('3:changed@x');
    expect(m.derived(new DerivedKey<string>('other'), () => 'other')).toBe('other');
    expect(m.derived(key, read)).toBe('4:changed@x');
  });

  it('counts header lines afresh for every message it validates', () => {
    const twice = parseMessage(
      Buffer.from(INVITE.replace('CSeq: 314159 INVITE', 'CSeq: 314159 INVITE\r\nCSeq: 1 INVITE')),
    );
    const bad = validate(twice);
    expect(bad.ok ? '' : bad.error.reason).toBe('Repeated single-value header: CSeq');
    expect(validate(parseMessage(Buffer.from(INVITE)))).toEqual({ ok: true });
    const noCallId = validate(parseMessage(Buffer.from(INVITE.replace(/^i: .*\r\n/m, ''))));
    expect(noCallId.ok ? '' : noCallId.error.reason).toBe('Missing required header: Call-ID');
    expect(validate(parseMessage(Buffer.from(INVITE)))).toEqual({ ok: true });
  });

  it('re-serializes an unmodified message byte for byte, and recomputes Content-Length after changes', () => {
    const bytes = Buffer.from(INVITE, 'latin1');
    const m = parseMessage(bytes);
    expect(m.toBuffer().equals(bytes)).toBe(true);
    m.body = Buffer.from('v=0\r\no=- 1 1 IN IP4 192.0.2.1\r\n');
    m.removeFirstValue('Via');
    const again = parseMessage(m.toBuffer());
    expect(again.contentLength).toBe(m.body.length);
    expect(again.via.map((v) => v.host)).toEqual(['proxy.example.com']);
    expect(again.getHeader('X-Custom')).toBe('kept   as is');
  });

  it('throws SipParseError with readable partial headers', () => {
    const bad = INVITE.replace('Content-Length: 5', 'Content-Length: 400');
    let caught: unknown;
    try {
      parseMessage(Buffer.from(bad, 'latin1'));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SipParseError);
    const e = caught as SipParseError;
    expect(e.status).toBe(400);
    expect(e.reason).toBe('Content-Length larger than the message');
    expect(e.partial?.callId).toBe('a84b4c76e66710@pc33.atlanta.example.com');
    expect(e.partial?.via).toHaveLength(2);
    expect(e.partial?.method).toBe('INVITE');
  });
});

describe('header edits', () => {
  it('refuse values that would break framing', () => {
    const m = parseMessage(Buffer.from(INVITE, 'latin1'));
    expect(() => m.setHeader('Subject', 'a\r\nInjected: yes')).toThrow(TypeError);
    expect(() => m.addHeader('Bad:Name', 'x')).toThrow(TypeError);
    expect(m.toBuffer().equals(Buffer.from(INVITE, 'latin1'))).toBe(true);
  });
});

describe('builders', () => {
  it('builds a request with Content-Length and a response per RFC 3261 §8.2.6', () => {
    const req = createRequest({
      method: 'INVITE',
      uri: 'sip:200@pbx.example.com',
      headers: [
        ['Via', formatVia({ transport: 'udp', host: '192.0.2.1', port: 5060, branch: 'z9hG4bKabc' })],
        ['Max-Forwards', 70],
        [
          'From',
          formatNameAddr({ displayName: 'Jörg', uri: 'sip:100@pbx.example.com', params: { tag: 'f1' } }),
        ],
        ['To', '<sip:200@pbx.example.com>'],
        ['Call-ID', 'c1@192.0.2.1'],
        ['CSeq', '1 INVITE'],
      ],
      body: 'hello',
    });
    const parsed = parseMessage(req.toBuffer());
    expect(parsed.contentLength).toBe(5);
    expect(parsed.from.displayName).toBe('Jörg');
    expect(validate(parsed)).toEqual({ ok: true });
    if (parsed.kind !== 'request') throw new Error('request expected');

    const ringing = createResponse(parsed, 180, { toTag: 't1' });
    expect(ringing).toBeInstanceOf(SipResponse);
    const r = parseMessage(ringing.toBuffer());
    expect(r.kind === 'response' && [r.status, r.reason]).toEqual([180, 'Ringing']);
    expect(r.to.tag).toBe('t1');
    expect(r.from.tag).toBe('f1');
    expect(r.topVia.branch).toBe('z9hG4bKabc');
    expect(r.cseq).toEqual({ seq: 1, method: 'INVITE' });
    expect(r.getHeader('Call-ID')).toBe('c1@192.0.2.1');
    const trying = createResponse(parsed, 100);
    expect(trying.to.tag).toBeUndefined();
  });
});
