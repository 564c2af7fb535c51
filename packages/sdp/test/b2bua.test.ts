import { describe, expect, it } from 'vitest';
import { applyCodecPolicy, parseSdp, relaySdp, rewriteConnection } from '../src/index.js';
import { sdp } from './fixtures/example-types.js';
import { AUDIO_VIDEO_BODY, T38_BODY, WEBRTC_OFFER_BODY } from './fixtures/sample-bodies.js';

const MULTI = sdp(
  'v=0',
  'o=alice 5 7 IN IP4 198.51.100.1',
  's=-',
  'c=IN IP4 198.51.100.1',
  't=0 0',
  'm=audio 4000 RTP/AVP 0 8 9 101',
  'a=rtpmap:101 telephone-event/8000',
  'a=fmtp:101 0-16',
  'a=rtcp:4001',
  'm=video 0 RTP/AVP 31',
  'm=application 4004 TCP/BFCP *',
  'a=floorctrl:c-s',
  'a=confid:4321',
  'm=image 4006 udptl t38',
  'a=T38FaxVersion:0',
  'm=text 4008 RTP/AVP 98',
  'c=IN IP4 198.51.100.2',
  'a=rtpmap:98 t140/1000',
  'm=x-unknown 4010 foo/bar baz',
  'a=x-private',
);

describe('rewriteConnection', () => {
  it('rewrites every c= address, enabled ports and a=rtcp; keeps disabled streams at port 0', () => {
    const d = rewriteConnection(parseSdp(MULTI), { address: '203.0.113.5', port: (i) => 50000 + 2 * i });
    expect(d.origin.address).toBe('203.0.113.5');
    expect(d.connection?.address).toBe('203.0.113.5');
    expect(d.media.map((m) => m.port)).toEqual([50000, 0, 50004, 50006, 50008, 50010]);
    expect(d.media[4]?.connection?.address).toBe('203.0.113.5');
    expect(d.media[0]?.getAttribute('rtcp')).toBe('50001 IN IP4 203.0.113.5');
  });

  it('strips ICE by default and adds a session c= when some media had none', () => {
    const d = rewriteConnection(parseSdp(WEBRTC_OFFER_BODY), { address: '203.0.113.5' });
    expect(d.media.every((m) => m.candidates.length === 0 && m.iceUfrag === undefined)).toBe(true);
    expect(d.media.every((m) => m.connection?.address === '203.0.113.5')).toBe(true);
    const kept = rewriteConnection(parseSdp(WEBRTC_OFFER_BODY), {
      address: '203.0.113.5',
      stripIce: false,
      rewriteOrigin: false,
    });
    expect(kept.media[0]?.candidates.length).toBe(2);
    expect(kept.origin.address).toBe('127.0.0.1');
  });
});

describe('applyCodecPolicy', () => {
  it('filters by allow list, keeps telephone-event, reorders by preference and removes dropped rtpmap/fmtp', () => {
    const d = parseSdp(AUDIO_VIDEO_BODY);
    const r = applyCodecPolicy(d, {
      media: ['audio'],
      allow: ['PCMA', 'PCMU', 'opus'],
      order: ['PCMA', 'PCMU'],
    });
    expect(r.disabled).toEqual([]);
    expect(d.media[0]?.formats).toEqual(['8', '0', '96', '101', '99', '100']);
    expect(d.media[0]?.getAttributes('fmtp')).toEqual(['96 useinbandfec=1']);
    // Wildcard feedback and other attributes stay; video untouched (not in policy.media).
    expect(d.media[0]?.getAttributes('rtcp-fb')).toEqual(['* trr-int 1000', '* ccm tmmbr']);
    expect(d.media[1]?.formats).toEqual(['96', '97', '98']);
  });

  it('applies deny lists and disables (port 0) a stream left without a real codec', () => {
    const d = parseSdp(MULTI);
    const r = applyCodecPolicy(d, { deny: ['PCMU', 'PCMA', 'G722'] });
    expect(r.disabled).toEqual([0]);
    expect(d.media[0]?.lines[0]).toBe('m=audio 0 RTP/AVP 0');
    // Text (t140) is an RTP stream too: the deny list does not touch it.
    expect(d.media[4]?.formats).toEqual(['98']);
    expect(d.media.length).toBe(6);
  });
});

describe('relaySdp', () => {
  it('keeps every m-line of every media type, in order, with its attributes, without touching the input', () => {
    const input = parseSdp(MULTI);
    const before = input.toString();
    const { sdp: out } = relaySdp(input, {
      connection: { address: '203.0.113.5', port: (i) => 50000 + 2 * i },
      origin: { username: 'switchboard', sessionId: '900', address: '203.0.113.5' },
    });
    expect(input.toString()).toBe(before);
    expect(out.media.map((m) => m.media)).toEqual([
      'audio',
      'video',
      'application',
      'image',
      'text',
      'x-unknown',
    ]);
    expect(out.media[2]?.getAttribute('floorctrl')).toBe('c-s');
    expect(out.media[3]?.t38.version).toBe(0);
    expect(out.media[5]?.lines).toEqual(['m=x-unknown 50010 foo/bar baz', 'a=x-private']);
    expect(out.origin).toMatchObject({ username: 'switchboard', sessionId: '900', sessionVersion: 900n });
  });

  it('keeps the outgoing leg o= and bumps its version only when the relayed content changes', () => {
    const first = relaySdp(parseSdp(T38_BODY), {
      origin: { username: 'switchboard', sessionId: '900', address: '203.0.113.5' },
    }).sdp;
    const same = relaySdp(parseSdp(T38_BODY), { previous: first }).sdp;
    expect(same.toString()).toBe(first.toString());
    const changed = relaySdp(parseSdp(T38_BODY.replace('4002', '4100')), { previous: first }).sdp;
    expect(changed.origin).toMatchObject({ username: 'switchboard', sessionVersion: 901n });
    expect(changed.media[0]?.port).toBe(4100);
  });

  it('passes the peer o= through when no origin is given', () => {
    expect(relaySdp(parseSdp(MULTI)).sdp.toString()).toBe(MULTI);
  });
});
