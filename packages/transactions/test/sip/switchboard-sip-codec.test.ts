import { type SipMessage, parseMessage } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { SwitchboardSipCodec, createSipFramer } from '../../src/index.js';

const codec = new SwitchboardSipCodec();
const INVITE = [
  'INVITE sip:bob@example.com SIP/2.0',
  'Via: SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport, SIP/2.0/UDP 10.0.0.7;branch=z9hG4bK-0',
  'Route: <sip:proxy.example.com;lr>',
  'Max-Forwards: 70',
  'From: <sip:alice@example.com>;tag=a1',
  'To: <sip:bob@example.com>',
  'Call-ID: k1',
  'CSeq: 7 INVITE',
  'Content-Length: 0',
  '',
  '',
].join('\r\n');
const parse = (s: string): SipMessage => parseMessage(Buffer.from(s));

describe('SwitchboardSipCodec', () => {
  it('reads the transaction fields', () => {
    const info = codec.info(parse(INVITE));
    expect(info).toMatchObject({
      isRequest: true,
      method: 'INVITE',
      callId: 'k1',
      cseqNumber: 7,
      cseqMethod: 'INVITE',
      fromTag: 'a1',
      toTag: undefined,
      viaRaw: 'SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport',
    });
    expect(info.via).toMatchObject({ host: '10.0.0.1', port: 5062, branch: 'z9hG4bK-1', rport: null });
  });

  it('reads a message once, and again after it changed', () => {
    const msg = parse(INVITE);
    const first = codec.info(msg);
    expect(codec.info(msg)).toBe(first);
    msg.setHeader('CSeq', '8 INVITE');
    expect(codec.info(msg)).toMatchObject({ cseqNumber: 8, viaRaw: first.viaRaw });
  });

  it('stamps received and rport into the top Via only, without touching the input', () => {
    const req = parse(INVITE);
    const out = codec.withReceived(req, '192.0.2.9', 40000);
    expect(out.getHeaders('Via')[0]).toBe(
      'SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport=40000;received=192.0.2.9',
    );
    expect(out.getHeaders('Via')[1]).toBe('SIP/2.0/UDP 10.0.0.7;branch=z9hG4bK-0');
    expect(req.getHeader('Via')).toContain(';rport,');
    expect(codec.info(parse(out.toString())).via).toMatchObject({ received: '192.0.2.9', rport: 40000 });
  });

  it('writes IPv6 received values the parser reads back', () => {
    for (const addr of ['::1', '2001:db8::9']) {
      const out = codec.withReceived(parse(INVITE), addr, 5070);
      expect(codec.info(parse(out.toString())).via.received).toBe(addr);
    }
  });

  it('adds a Via with brackets for IPv6 and rport', () => {
    const out = codec.withVia(parse(INVITE), {
      transport: 'TCP',
      host: '::1',
      port: 5060,
      branch: 'z9hG4bKn',
      rport: true,
    });
    expect(out.getHeaders('Via')[0]).toBe('SIP/2.0/TCP [::1]:5060;branch=z9hG4bKn;rport');
  });

  it('builds the §17.1.1.3 ACK: top Via, Route, To from the response, CSeq number with ACK', () => {
    const invite = parse(INVITE);
    const res = codec.createResponse(invite, 486, undefined, 'b9');
    const ack = parse(codec.createAck(invite, res).toString());
    expect(ack.kind === 'request' && ack.method).toBe('ACK');
    expect(ack.kind === 'request' && ack.requestUri).toBe('sip:bob@example.com');
    expect(ack.getHeaders('Via')).toEqual(['SIP/2.0/UDP 10.0.0.1:5062;branch=z9hG4bK-1;rport']);
    expect(ack.getHeader('Route')).toBe('<sip:proxy.example.com;lr>');
    expect(ack.getHeader('To')).toBe('<sip:bob@example.com>;tag=b9');
    expect(ack.getHeader('CSeq')).toBe('7 ACK');
  });

  it('turns a parse error into a 400 with the reason', () => {
    const bad = Buffer.from(INVITE.replace('CSeq: 7 INVITE', 'CSeq: x INVITE'));
    let err: unknown;
    try {
      codec.info(codec.parse(bad));
    } catch (e) {
      err = e;
    }
    const answer = codec.rejectMalformed(err, bad);
    expect(answer?.kind === 'response' && answer.status).toBe(400);
    expect(answer?.getHeader('Call-ID')).toBe('k1');
  });

  it('adopts messages a stream framer already parsed, and nothing else', () => {
    const m = parse(INVITE);
    expect(codec.adopt(m)).toBe(m);
    expect(codec.adopt('INVITE')).toBeUndefined();
    const framed = createSipFramer().push(Buffer.from(INVITE + INVITE));
    expect(framed).toHaveLength(2);
    expect(codec.adopt(framed[0]?.parsed)).toBeDefined();
    expect(framed[1]?.data.toString()).toBe(INVITE);
  });
});
