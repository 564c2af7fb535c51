import { describe, expect, it } from 'vitest';
import { redactSdesKeys } from '../src/index.js';

const key = 'WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz';

describe('redactSdesKeys', () => {
  it('blanks every SDES key, keeping suite, lifetime, MKI and the length', () => {
    const sdp =
      'v=0\r\nm=audio 4000 RTP/SAVP 0\r\n' +
      `a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key}|2^20|1:4\r\n` +
      `A=CRYPTO:2 AES_CM_128_HMAC_SHA1_32 inline:${key};inline:${key.toLowerCase()} UNENCRYPTED_SRTCP\r\n`;
    const out = redactSdesKeys(sdp);
    expect(out).not.toContain(key);
    expect(out).not.toContain(key.toLowerCase());
    expect(out).toContain(`a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${'*'.repeat(key.length)}|2^20|1:4\r\n`);
    expect(out).toContain('UNENCRYPTED_SRTCP');
    expect(out.length).toBe(sdp.length);
  });

  it('leaves messages without a=crypto, and inline: outside crypto lines, as they are', () => {
    const text = 'INVITE sip:a@b SIP/2.0\r\nSubject: inline:not-a-key\r\n\r\n';
    expect(redactSdesKeys(text)).toBe(text);
    const mixed = `${text}a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:${key}\r\n`;
    expect(redactSdesKeys(mixed)).toContain('Subject: inline:not-a-key');
  });
});
