import { describe, expect, it } from 'vitest';
import { formatReplacesUriHeader, parseUri, SipParseError, uriReplaces, type SipUri } from '../src/index.js';

function sip(text: string): SipUri {
  const uri = parseUri(text);
  if (uri.kind !== 'sip') throw new Error(`not a SIP URI: ${text}`);
  return uri;
}

describe('Replaces in a Refer-To URI (RFC 3891 §6.1, §7; RFC 5589 §7)', () => {
  it('reads the RFC 3891 §6.1 example URI: Call-ID with @, to-tag and from-tag unescaped', () => {
    const uri = sip(
      'sip:bob@biloxi.example.com?Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994',
    );
    expect(uriReplaces(uri)).toMatchObject({
      callId: '12345@192.168.118.3',
      toTag: '12345',
      fromTag: '5FFE-3994',
      earlyOnly: false,
    });
  });

  it('reads the RFC 5589 §7.1 attended transfer Refer-To (sips, Call-ID without @)', () => {
    const uri = sip(
      'sips:transfertarget@chicago.example.com?Replaces=090459243588173445%3Bto-tag%3D7553452%3Bfrom-tag%3D31431',
    );
    expect(uriReplaces(uri)).toMatchObject({
      callId: '090459243588173445',
      toTag: '7553452',
      fromTag: '31431',
    });
  });

  it('keeps early-only and the other URI headers apart; the header name is case-insensitive', () => {
    const uri = sip('sip:201@pbx.test?Subject=x&replaces=a%40b%3Bfrom-tag%3D2%3Bto-tag%3D1%3Bearly-only');
    expect(uriReplaces(uri)).toMatchObject({ callId: 'a@b', toTag: '1', fromTag: '2', earlyOnly: true });
  });

  it('undefined without Replaces; a SipParseError for a missing tag or two Replaces', () => {
    expect(uriReplaces(sip('sip:201@pbx.test'))).toBeUndefined();
    expect(() => uriReplaces(sip('sip:201@pbx.test?Replaces=a%3Bto-tag%3D1'))).toThrow(SipParseError);
    expect(() =>
      uriReplaces(
        sip('sip:201@pbx.test?Replaces=a%3Bto-tag%3D1%3Bfrom-tag%3D2&Replaces=b%3Bto-tag%3D1%3Bfrom-tag%3D2'),
      ),
    ).toThrow(/more than one/);
  });

  it('formats the escaped URI header (round trip through parseUri), as in RFC 3891 §6.1', () => {
    const header = formatReplacesUriHeader({
      callId: '12345@192.168.118.3',
      toTag: '12345',
      fromTag: '5FFE-3994',
      earlyOnly: false,
    });
    expect(header).toBe('Replaces=12345%40192.168.118.3%3Bto-tag%3D12345%3Bfrom-tag%3D5FFE-3994');
    const back = uriReplaces(sip(`sip:bob@biloxi.example.com?${header}`));
    expect(back).toMatchObject({ callId: '12345@192.168.118.3', toTag: '12345', fromTag: '5FFE-3994' });
    expect(formatReplacesUriHeader({ callId: 'x y&z', toTag: 'a', fromTag: 'b', earlyOnly: true })).toBe(
      'Replaces=x%20y%26z%3Bto-tag%3Da%3Bfrom-tag%3Db%3Bearly-only',
    );
  });
});
