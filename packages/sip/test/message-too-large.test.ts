import { describe, expect, it } from 'vitest';
import { createErrorResponse, messageTooLarge, SipParseError, StreamFramer } from '../src/index.js';

const INVITE = (body: string, transport = 'TCP'): Buffer =>
  Buffer.from(
    [
      'INVITE sip:a@example.com SIP/2.0',
      `Via: SIP/2.0/${transport} 192.0.2.1;branch=z9hG4bKbig`,
      'From: <sip:b@example.com>;tag=1',
      'To: <sip:a@example.com>',
      'Call-ID: big@192.0.2.1',
      'CSeq: 7 INVITE',
      'Content-Type: application/sdp',
      `Content-Length: ${Buffer.byteLength(body)}`,
      '',
      body,
    ].join('\r\n'),
  );

/** RFC 3261 §21.5.14: a message over the configured size is answered 513 from its head alone. */
describe('513 Message Too Large (size setting)', () => {
  it('StreamFramer: a message over maxMessageBytes fails with 513 and a head to answer it', () => {
    const framer = new StreamFramer({ maxMessageBytes: 1000 });
    const bytes = INVITE('v=0\r\n'.repeat(300));
    let error: unknown;
    try {
      framer.push(bytes.subarray(0, 400)); // the head alone decides: no need to wait for the body
    } catch (err) {
      error = err;
    }
    expect(error).toBeInstanceOf(SipParseError);
    const e = error as SipParseError;
    expect(e.status).toBe(513);
    expect(e.reason).toBe(`Message Too Large (${bytes.length} bytes, limit 1000)`);
    const answer = createErrorResponse(e);
    expect(answer?.status).toBe(513);
    expect(answer?.callId).toBe('big@192.0.2.1');
    expect(answer?.cseq).toEqual({ seq: 7, method: 'INVITE' });
  });

  it('StreamFramer: a message at the limit passes; the header section alone is capped by it too', () => {
    const ok = INVITE('v=0\r\n');
    expect(new StreamFramer({ maxMessageBytes: ok.length }).push(ok)).toHaveLength(1);
    const framer = new StreamFramer({ maxMessageBytes: 100 });
    expect(() =>
      framer.push(Buffer.from('INVITE sip:a@example.com SIP/2.0\r\nVia: ' + 'x'.repeat(200))),
    ).toThrow(expect.objectContaining({ status: 513 }) as Error);
  });

  it('messageTooLarge (a datagram): 513 answerable from the head, none when the head does not read', () => {
    const big = INVITE('v=0\r\n'.repeat(300), 'UDP');
    const e = messageTooLarge(big, 1000);
    expect(e.status).toBe(513);
    const answer = createErrorResponse(e);
    expect(answer?.status).toBe(513);
    expect(answer?.getHeader('Via')).toContain('branch=z9hG4bKbig');
    expect(createErrorResponse(messageTooLarge(Buffer.alloc(5000, 0x41), 1000))).toBeUndefined();
  });
});
