import { describe, expect, it } from 'vitest';
import { parseMessage, parseReplaces, parseUri, SipParseError, uriReplaces, validate } from '../src/index.js';

function invite(lines: string[]) {
  return parseMessage(
    Buffer.from(
      [
        'INVITE sip:bob@biloxi.example.com SIP/2.0',
        'Via: SIP/2.0/UDP 192.0.2.1;branch=z9hG4bK1',
        'From: <sip:alice@atlanta.example.com>;tag=1',
        'To: <sip:bob@biloxi.example.com>',
        'Call-ID: new@192.0.2.1',
        'CSeq: 1 INVITE',
        ...lines,
        'Content-Length: 0',
        '',
        '',
      ].join('\r\n'),
      'latin1',
    ),
  );
}

describe('Replaces header (RFC 3891 §6.1): one parser for the header and the URI form', () => {
  it('reads the §6.1 examples, the folded one included, in either parameter order', () => {
    const folded = invite([
      'Replaces: 98732@sip.example.com',
      '          ;from-tag=r33th4x0r',
      '          ;to-tag=ff87ff',
    ]);
    expect(folded.replaces).toMatchObject({
      callId: '98732@sip.example.com',
      toTag: 'ff87ff',
      fromTag: 'r33th4x0r',
      earlyOnly: false,
    });
    expect(validate(folded).ok).toBe(true);
    expect(
      invite(['Replaces: 12adf2f34456gs5;to-tag=12345;from-tag=54321;early-only']).replaces,
    ).toMatchObject({
      callId: '12adf2f34456gs5',
      toTag: '12345',
      fromTag: '54321',
      earlyOnly: true,
    });
  });

  it('reads the §7.1 call flow INVITE (Call-ID with @) the same as its escaped URI form', () => {
    const header = invite(['Replaces: 425928@bobster.example.org;to-tag=7743;from-tag=6472']).replaces;
    const uri = parseUri(
      'sip:bob@bobster.example.org?Replaces=425928%40bobster.example.org%3Bto-tag%3D7743%3Bfrom-tag%3D6472',
    );
    if (uri.kind !== 'sip') throw new Error('not a SIP URI');
    expect(header).toMatchObject({ callId: '425928@bobster.example.org', toTag: '7743', fromTag: '6472' });
    expect(uriReplaces(uri)).toEqual(header);
  });

  it('keeps unknown parameters (generic-param) and compares parameter names case-insensitively', () => {
    const r = parseReplaces('abc@h;TO-TAG=1;From-Tag=2;x-feature=on');
    expect(r).toMatchObject({ callId: 'abc@h', toTag: '1', fromTag: '2', earlyOnly: false });
    expect(r.params.get('x-feature')).toBe('on');
  });

  it('a Replaces without both tags or without a Call-ID is a SipParseError, and the INVITE invalid (400)', () => {
    expect(() => parseReplaces('abc@h;to-tag=1')).toThrow(SipParseError);
    expect(() => parseReplaces(';to-tag=1;from-tag=2')).toThrow(SipParseError);
    const bad = validate(invite(['Replaces: abc@h;from-tag=2']));
    expect(bad.ok ? undefined : bad.error.reason).toBe(
      'Invalid Replaces header: to-tag and from-tag are required',
    );
  });
});
