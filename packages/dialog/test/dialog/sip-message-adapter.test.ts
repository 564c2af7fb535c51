import { type SipRequest, type SipResponse, parseMessage, serializeMessage } from '@switchboard/sip';
import { FakeClock } from '@switchboard/transactions';
import { describe, expect, it } from 'vitest';
import {
  Dialog,
  DialogMessageError,
  UacInviteDialogs,
  incomingRequestFromSip,
  incomingResponseFromSip,
  sipRequestFromOutgoing,
} from '../../src/index.js';
import { ALICE_CONTACT, aliceInvite } from './fixtures.js';

function parse(lines: string[], body = ''): SipRequest | SipResponse {
  return parseMessage(Buffer.from(lines.join('\r\n') + '\r\n\r\n' + body));
}

const INVITE = [
  'INVITE sip:bob@biloxi.com SIP/2.0',
  'Via: SIP/2.0/UDP p1.atlanta.com;branch=z9hG4bK77ef4c2312983.1',
  'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8;received=192.0.2.1',
  'Record-Route: <sip:p2.biloxi.com;lr>, <sip:p1.atlanta.com;lr>',
  'Max-Forwards: 69',
  'To: Bob <sip:bob@biloxi.com>',
  'From: "Alice" <sip:alice@atlanta.com>;tag=1928301774',
  'Call-ID: a84b4c76e66710@pc33.atlanta.com',
  'CSeq: 314159 INVITE',
  'Contact: <sip:alice@pc33.atlanta.com>',
  'Content-Type: application/sdp',
  'Content-Length: 4',
];

describe('@switchboard/sip adapter', () => {
  it('reads a parsed INVITE into the dialog view (Record-Route split, display names, tags, body)', () => {
    const msg = parse(INVITE, 'v=0\n');
    if (msg.kind !== 'request') throw new Error('expected a request');
    expect(incomingRequestFromSip(msg)).toEqual({
      method: 'INVITE',
      requestUri: 'sip:bob@biloxi.com',
      callId: 'a84b4c76e66710@pc33.atlanta.com',
      cseq: { seq: 314159, method: 'INVITE' },
      from: { uri: 'sip:alice@atlanta.com', displayName: 'Alice', tag: '1928301774' },
      to: { uri: 'sip:bob@biloxi.com', displayName: 'Bob' },
      contact: 'sip:alice@pc33.atlanta.com',
      recordRoute: ['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>'],
      hasBody: true,
    });
  });

  it('drives a UAC dialog from a parsed 200 and serialises the ACK through a route set', () => {
    const invite = aliceInvite();
    const uac = new UacInviteDialogs(invite, { clock: new FakeClock(), localContact: ALICE_CONTACT });
    const ok = parse([
      'SIP/2.0 200 OK',
      'Via: SIP/2.0/UDP pc33.atlanta.com;branch=z9hG4bKnashds8',
      'Record-Route: <sip:p2.biloxi.com;lr>',
      'Record-Route: <sip:p1.atlanta.com;lr>',
      'To: Bob <sip:bob@biloxi.com>;tag=a6c85cf',
      'From: Alice <sip:alice@atlanta.com>;tag=1928301774',
      'Call-ID: a84b4c76e66710@pc33.atlanta.com',
      'CSeq: 314159 INVITE',
      'Contact: <sip:bob@192.0.2.4>',
      'Content-Length: 0',
    ]);
    if (ok.kind !== 'response') throw new Error('expected a response');
    const outcome = uac.receiveResponse(incomingResponseFromSip(ok));
    if (outcome.kind !== 'success') throw new Error('expected success');
    const ack = parseMessage(serializeMessage(sipRequestFromOutgoing(outcome.ack)));
    if (ack.kind !== 'request') throw new Error('expected a request');
    expect(ack.method).toBe('ACK');
    expect(ack.requestUri).toBe('sip:bob@192.0.2.4');
    expect(ack.getHeaderValues('Route')).toEqual(['<sip:p1.atlanta.com;lr>', '<sip:p2.biloxi.com;lr>']);
    expect(ack.to.tag).toBe('a6c85cf');
    expect(ack.from.tag).toBe('1928301774');
    expect(ack.cseq).toMatchObject({ seq: 314159, method: 'ACK' });
    expect(ack.maxForwards).toBe(70);
  });

  it('serialises an in-dialog request with a body and Contact', () => {
    const msg = parse(INVITE, 'v=0\n');
    if (msg.kind !== 'request') throw new Error('expected a request');
    const dialog = Dialog.asUas(incomingRequestFromSip(msg), 'bobtag', {
      clock: new FakeClock(),
      localContact: 'sip:bob@192.0.2.4',
      initialLocalSeq: 1,
    });
    dialog.responseSent(incomingRequestFromSip(msg), 200);
    const out = parseMessage(
      serializeMessage(
        sipRequestFromOutgoing(
          dialog.createRequest('INVITE', { body: { contentType: 'application/sdp', content: 'v=0\r\n' } }),
        ),
      ),
    );
    if (out.kind !== 'request') throw new Error('expected a request');
    expect(out.bodyText).toBe('v=0\r\n');
    expect(out.contentLength).toBe(5);
    expect(out.contentType?.type).toBe('application');
    expect(out.getHeader('Contact')).toBe('<sip:bob@192.0.2.4>');
    expect(out.getHeaderValues('Route')).toEqual(['<sip:p2.biloxi.com;lr>', '<sip:p1.atlanta.com;lr>']);
  });

  it('turns a malformed header into a DialogMessageError', () => {
    const bad = parse(
      INVITE.map((l) => (l.startsWith('CSeq') ? 'CSeq: x INVITE' : l)),
      'v=0\n',
    );
    if (bad.kind !== 'request') throw new Error('expected a request');
    expect(() => incomingRequestFromSip(bad)).toThrow(DialogMessageError);
  });
});
