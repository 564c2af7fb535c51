import { describe, expect, it } from 'vitest';
import {
  branchRelayDecision,
  DEFAULT_LEG_POLICY,
  type LegMediaPolicy,
} from '../src/calls/media/media-policy.js';
import { checkOfferFrom, offersSrtp, rtpProfileTowards } from '../src/calls/media/srtp-offer.js';

const policy = (mode: LegMediaPolicy['mode'], srtp: LegMediaPolicy['srtp'] = 'optional'): LegMediaPolicy => ({
  mode,
  srtp,
});
const sides = (
  caller: LegMediaPolicy,
  callee: LegMediaPolicy,
  extra: Partial<Parameters<typeof branchRelayDecision>[0]> = {},
) =>
  branchRelayDecision({
    global: 'direct',
    caller,
    callee,
    callerBehindNat: false,
    calleeBehindNat: false,
    callerOffersSrtp: false,
    ...extra,
  });

const sdp = (proto: string, crypto = false): string =>
  'v=0\r\no=- 1 1 IN IP4 127.0.0.1\r\ns=-\r\nc=IN IP4 127.0.0.1\r\nt=0 0\r\n' +
  `m=audio 4000 ${proto} 0\r\na=rtpmap:0 PCMU/8000\r\n` +
  (crypto ? 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:WVNfX19zZW1jdGwgKCkgewkyMjA7fQp9CnVubGVz\r\n' : '');

describe('branch relay decision: per-extension media modes and SRTP', () => {
  it('inherit follows the global mode; relay wins over auto wins over direct', () => {
    expect(sides(DEFAULT_LEG_POLICY, DEFAULT_LEG_POLICY).relay).toBe(false);
    expect(sides(DEFAULT_LEG_POLICY, DEFAULT_LEG_POLICY, { global: 'relay' }).relay).toBe(true);
    expect(sides(policy('relay'), policy('direct'))).toEqual({ relay: true, why: 'media mode relay' });
    expect(sides(policy('direct'), policy('relay'), { global: 'auto' }).relay).toBe(true);
    expect(sides(policy('direct'), policy('direct'), { global: 'relay' }).relay).toBe(false);
    expect(sides(policy('auto'), policy('direct')).relay).toBe(false);
    expect(sides(policy('auto'), policy('direct'), { calleeBehindNat: true }).relay).toBe(true);
  });

  it('SRTP forces the relay: required on either side, or a SRTP offer to an `off` callee', () => {
    expect(sides(policy('direct', 'required'), policy('direct'))).toEqual({
      relay: true,
      why: 'SRTP required',
    });
    expect(sides(policy('direct'), policy('direct', 'required')).relay).toBe(true);
    expect(sides(policy('direct'), policy('direct', 'off'), { callerOffersSrtp: true }).relay).toBe(true);
    expect(sides(policy('direct'), policy('direct', 'off')).relay).toBe(false);
    // Both optional: the phones negotiate SRTP end to end, nothing to translate.
    expect(sides(policy('direct'), policy('direct'), { callerOffersSrtp: true }).relay).toBe(false);
  });
});

describe('SRTP offers against a policy (RFC 4568, RFC 3264)', () => {
  it('tells SRTP offers: RTP/SAVP(F), or a=crypto on RTP/AVP (best effort); DTLS profiles untouched', () => {
    expect(offersSrtp(sdp('RTP/SAVP', true))).toBe(true);
    expect(offersSrtp(sdp('RTP/AVP', true))).toBe(true);
    expect(offersSrtp(sdp('RTP/AVP'))).toBe(false);
    expect(rtpProfileTowards(sdp('RTP/AVP'), true)).toBe('RTP/SAVP');
    expect(rtpProfileTowards(sdp('RTP/SAVPF', true), false)).toBe('RTP/AVPF');
    expect(rtpProfileTowards(sdp('UDP/TLS/RTP/SAVPF'), false)).toBeUndefined();
  });

  it('required refuses a plain offer; off refuses RTP/SAVP and drops a best-effort a=crypto', () => {
    expect(checkOfferFrom('required', sdp('RTP/AVP'))).toMatchObject({ ok: false });
    expect(checkOfferFrom('required', sdp('RTP/SAVP', true))).toMatchObject({ ok: true });
    expect(checkOfferFrom('off', sdp('RTP/SAVP', true))).toMatchObject({ ok: false });
    const stripped = checkOfferFrom('off', sdp('RTP/AVP', true));
    expect(stripped.ok && stripped.sdp).toBe(sdp('RTP/AVP'));
    expect(checkOfferFrom('optional', sdp('RTP/SAVP', true))).toEqual({
      ok: true,
      sdp: sdp('RTP/SAVP', true),
    });
  });
});
