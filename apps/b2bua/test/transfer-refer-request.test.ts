import { parseMessage, type SipRequest } from '@switchboard/sip';
import { describe, expect, it } from 'vitest';
import { checkRefer } from '../src/calls/transfer/refer-request.js';

function refer(...headers: string[]): SipRequest {
  const text = [
    'REFER sip:pbx.test SIP/2.0',
    'Via: SIP/2.0/UDP 127.0.0.1:5070;branch=z9hG4bK-1',
    'Max-Forwards: 70',
    'From: <sip:201@pbx.test>;tag=a',
    'To: <sip:100@pbx.test>;tag=b',
    'Call-ID: refer-1',
    'CSeq: 2 REFER',
    ...headers,
    'Content-Length: 0',
    '',
    '',
  ].join('\r\n');
  const m = parseMessage(Buffer.from(text));
  if (m.kind !== 'request') throw new Error('not a request');
  return m;
}

describe('checkRefer (RFC 3515 §2.4.1)', () => {
  it('reads the target, drops URI headers from the new Request-URI and keeps Referred-By', () => {
    expect(
      checkRefer(refer('Refer-To: <sip:202@pbx.test;user=phone?X-Foo=1>', 'Referred-By: <sip:201@pbx.test>')),
    ).toEqual({
      ok: true,
      target: { uri: 'sip:202@pbx.test;user=phone', destination: '202', referredBy: '<sip:201@pbx.test>' },
    });
    expect(checkRefer(refer('r: sip:%32%30%32@pbx.test'))).toMatchObject({
      ok: true,
      target: { destination: '202' },
    });
    expect(checkRefer(refer('Refer-To: <tel:+15551234567>'))).toMatchObject({
      ok: true,
      target: { uri: 'tel:+15551234567', destination: '+15551234567' },
    });
  });

  it('refuses a missing, repeated or unusable Refer-To with the status and a reason', () => {
    expect(checkRefer(refer())).toEqual({ ok: false, status: 400, reason: 'Missing Refer-To' });
    expect(checkRefer(refer('Refer-To: <sip:1@pbx.test>, <sip:2@pbx.test>'))).toMatchObject({ status: 400 });
    expect(checkRefer(refer('Refer-To: <sip:pbx.test>'))).toMatchObject({
      status: 400,
      reason: 'Refer-To names no user',
    });
    expect(checkRefer(refer('Refer-To: <http://example.com/>'))).toMatchObject({ status: 416 });
    expect(checkRefer(refer('Refer-To: <sip:202@pbx.test;method=BYE>'))).toMatchObject({ status: 403 });
    expect(checkRefer(refer('Refer-To: <sip:202@pbx.test?Replaces=abc%3Bto-tag%3D1>'))).toMatchObject({
      status: 400,
      reason: 'Invalid Replaces in Refer-To: Invalid Replaces header: to-tag and from-tag are required',
    });
  });

  it('reads the consultation dialog of an attended transfer (RFC 5589 §7.1 Refer-To with Replaces)', () => {
    const check = checkRefer(
      refer('Refer-To: <sip:202@pbx.test?Replaces=abc%40h%3Bto-tag%3D1%3Bfrom-tag%3D2%3Bearly-only>'),
    );
    expect(check).toMatchObject({
      ok: true,
      target: {
        uri: 'sip:202@pbx.test',
        destination: '202',
        replaces: { callId: 'abc@h', toTag: '1', fromTag: '2', earlyOnly: true },
      },
    });
  });
});
