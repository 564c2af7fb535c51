import { describe, expect, it } from 'vitest';
import { createResponse, parseMessage, type SipRequest, validate } from '../src/index.js';

function req(lines: string[]): SipRequest {
  const m = parseMessage(Buffer.from([...lines, 'Content-Length: 0', '', ''].join('\r\n'), 'latin1'));
  if (m.kind !== 'request') throw new Error('request expected');
  return m;
}

const BASE = [
  'INVITE sip:200@pbx.example.com SIP/2.0',
  'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1',
  'Via:   SIP/2.0/UDP 192.0.2.1:5060;branch=z9hG4bKc1;rport=5060;received=192.0.2.1',
  'From: "Caller" <sip:100@pbx.example.com>;tag=f1',
  'To: <sip:200@pbx.example.com>',
  'Call-ID: rb@192.0.2.1',
  'CSeq: 7 INVITE',
  'Timestamp: 54.2',
  'Max-Forwards: 69',
  'Record-Route: <sip:p1.example.com;lr>',
];

describe('createResponse (RFC 3261 §8.2.6)', () => {
  it('copies every Via in order byte for byte, From, Call-ID, CSeq; adds a To tag; not the rest', () => {
    const res = createResponse(req(BASE), 486, { toTag: 'busy1' });
    const text = res.toString();
    expect(text).toContain(
      'Via: SIP/2.0/UDP p1.example.com;branch=z9hG4bKp1\r\nVia:   SIP/2.0/UDP 192.0.2.1:5060;',
    );
    expect(res.reason).toBe('Busy Here');
    const parsed = parseMessage(res.toBuffer());
    expect(parsed.via.map((v) => v.branch)).toEqual(['z9hG4bKp1', 'z9hG4bKc1']);
    expect(parsed.to.tag).toBe('busy1');
    expect(parsed.from.tag).toBe('f1');
    expect(parsed.cseq).toEqual({ seq: 7, method: 'INVITE' });
    expect(parsed.hasHeader('Timestamp')).toBe(false);
    expect(parsed.hasHeader('Max-Forwards')).toBe(false);
    expect(parsed.hasHeader('Record-Route')).toBe(false);
    expect(validate(parsed)).toEqual({ ok: true });
  });

  it('100 Trying keeps To untagged and copies Timestamp (§8.2.6.1)', () => {
    const res = createResponse(req(BASE), 100);
    expect(res.to.tag).toBeUndefined();
    expect(res.getHeader('Timestamp')).toBe('54.2');
  });

  it('keeps an existing To tag and generates one when none is given', () => {
    const inDialog = BASE.map((l) => (l.startsWith('To:') ? 'To: <sip:200@pbx.example.com>;tag=t9' : l));
    expect(createResponse(req(inDialog), 200).to.tag).toBe('t9');
    const tag = createResponse(req(BASE), 180).to.tag;
    expect(tag).toMatch(/^[0-9a-f]{16}$/);
  });

  it('accepts extra headers, a body and a custom reason', () => {
    const res = createResponse(req(BASE), 200, {
      reason: 'Très bien',
      headers: [
        ['Contact', '<sip:200@192.0.2.20>'],
        ['Content-Type', 'application/sdp'],
      ],
      body: 'v=0\r\n',
    });
    const parsed = parseMessage(res.toBuffer());
    expect(parsed.kind === 'response' && parsed.reason).toBe('Très bien');
    expect(parsed.contentLength).toBe(5);
    expect(parsed.bodyText).toBe('v=0\r\n');
  });
});

describe('status codes', () => {
  it('700-999 are read but rejected by validation', () => {
    const m = parseMessage(
      Buffer.from(
        'SIP/2.0 799 Odd\r\nVia: SIP/2.0/UDP h;branch=z9hG4bK1\r\nFrom: <sip:a@h>;tag=1\r\nTo: <sip:b@h>;tag=2\r\nCall-ID: x\r\nCSeq: 1 INVITE\r\nContent-Length: 0\r\n\r\n',
      ),
    );
    expect(m.kind === 'response' && m.status).toBe(799);
    const r = validate(m);
    expect(r.ok ? '' : r.error.reason).toBe('Status-Code out of range');
  });
});
