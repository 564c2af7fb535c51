import { describe, expect, it } from 'vitest';
import { createErrorResponse, SipParseError, StreamFramer } from '../src/index.js';

const MSG = (id: string, body = ''): string =>
  [
    'MESSAGE sip:a@example.com SIP/2.0',
    `Via: SIP/2.0/TCP 192.0.2.1;branch=z9hG4bK${id}`,
    'From: <sip:b@example.com>;tag=1',
    'To: <sip:a@example.com>',
    `Call-ID: ${id}@192.0.2.1`,
    'CSeq: 1 MESSAGE',
    'Content-Type: text/plain',
    `Content-Length: ${Buffer.byteLength(body)}`,
    '',
    body,
  ].join('\r\n');

describe('StreamFramer (RFC 3261 §18.3)', () => {
  it('reassembles a message delivered byte by byte', () => {
    const framer = new StreamFramer();
    const bytes = Buffer.from(MSG('one', 'hello'));
    const out = [];
    for (let i = 0; i < bytes.length; i++) out.push(...framer.push(bytes.subarray(i, i + 1)));
    expect(out).toHaveLength(1);
    expect(out[0]!.callId).toBe('one@192.0.2.1');
    expect(out[0]!.body.toString()).toBe('hello');
    expect(framer.bufferedBytes).toBe(0);
  });

  it('splits several messages in one chunk and reports keep-alives (RFC 5626 §3.5.1)', () => {
    const kinds: string[] = [];
    const framer = new StreamFramer({ onKeepAlive: (k) => kinds.push(k) });
    const chunk = Buffer.from(`\r\n\r\n${MSG('a', 'x')}\r\n${MSG('b', 'yz')}${MSG('c')}`);
    const out = framer.push(chunk);
    expect(out.map((m) => [m.callId, m.body.toString()])).toEqual([
      ['a@192.0.2.1', 'x'],
      ['b@192.0.2.1', 'yz'],
      ['c@192.0.2.1', ''],
    ]);
    expect(kinds).toEqual(['ping', 'pong']);
  });

  it('waits when a chunk ends inside a keep-alive', () => {
    const kinds: string[] = [];
    const framer = new StreamFramer({ onKeepAlive: (k) => kinds.push(k) });
    expect(framer.push(Buffer.from('\r\n'))).toEqual([]);
    expect(kinds).toEqual([]);
    expect(framer.push(Buffer.from('\r\n'))).toEqual([]);
    expect(kinds).toEqual(['ping']);
    expect(framer.push(Buffer.from(MSG('k')))).toHaveLength(1);
  });

  it('waits for the body announced by Content-Length', () => {
    const framer = new StreamFramer();
    const bytes = Buffer.from(MSG('w', 'abcdef'));
    expect(framer.push(bytes.subarray(0, bytes.length - 3))).toEqual([]);
    const out = framer.push(bytes.subarray(bytes.length - 3));
    expect(out[0]!.body.toString()).toBe('abcdef');
  });

  it('requires Content-Length on streams and keeps what a 400 needs', () => {
    const framer = new StreamFramer();
    const noLength = MSG('n').replace('Content-Length: 0\r\n', '');
    let caught: unknown;
    try {
      framer.push(Buffer.from(noLength));
    } catch (err) {
      caught = err;
    }
    expect(caught).toBeInstanceOf(SipParseError);
    const err = caught as SipParseError;
    expect(err.reason).toBe('Missing Content-Length header');
    expect(createErrorResponse(err, { toTag: 't' })?.getHeader('Call-ID')).toBe('n@192.0.2.1');
    expect(() => framer.push(Buffer.from(MSG('after')))).toThrow(err);
  });

  it('enforces header and body size limits with status 513', () => {
    const small = new StreamFramer({ maxHeaderBytes: 100 });
    expect(() => small.push(Buffer.from(MSG('big')))).toThrow(
      expect.objectContaining({ status: 513, reason: 'Header section too large' }),
    );
    const noEnd = new StreamFramer({ maxHeaderBytes: 100 });
    expect(() => noEnd.push(Buffer.from(`INVITE sip:a@b SIP/2.0\r\nX: ${'a'.repeat(200)}`))).toThrow(
      expect.objectContaining({ status: 513 }),
    );
    const bodyLimit = new StreamFramer({ maxBodyBytes: 3 });
    expect(() => bodyLimit.push(Buffer.from(MSG('b', 'four')))).toThrow(
      expect.objectContaining({ status: 513, reason: 'Body too large' }),
    );
  });
});
