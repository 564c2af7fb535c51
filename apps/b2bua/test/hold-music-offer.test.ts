import { parseSdp } from '@switchboard/sdp';
import { describe, expect, it } from 'vitest';
import { g711LawOf, holdMusicOffer, musicDestination } from '../src/calls/hold/hold-music-offer.js';
import { LegSdpState } from '../src/calls/hold/leg-sdp-state.js';

const sdp = (version: number, direction: string, extra = ''): string =>
  [
    'v=0',
    `o=alice 42 ${version} IN IP4 10.0.0.1`,
    's=-',
    'c=IN IP4 10.0.0.1',
    't=0 0',
    'm=audio 4000 RTP/AVP 8 0 101',
    'a=rtpmap:8 PCMA/8000',
    'a=rtpmap:0 PCMU/8000',
    'a=rtpmap:101 telephone-event/8000',
    `a=${direction}`,
    ...(extra ? [extra] : []),
    '',
  ].join('\r\n');
const body = (text: string) => ({ contentType: 'application/sdp', content: Buffer.from(text) });

describe('the music offer to a held leg (RFC 3264 §8)', () => {
  it('keeps the m-lines and the o= line (version + 1), moves audio to the PBX, one law, a=sendonly', () => {
    const current = parseSdp(sdp(7, 'sendonly') + 'm=video 5000 RTP/AVP 96\r\na=rtpmap:96 H264/90000\r\n');
    const offer = holdMusicOffer(current, 'pcma', { address: '192.0.2.5', port: 30000 });
    expect(offer?.audioIndex).toBe(0);
    const text = offer?.sdp.toString() ?? '';
    expect(text).toContain('o=alice 42 8 IN IP4 10.0.0.1');
    expect(text).toContain('c=IN IP4 192.0.2.5');
    expect(text).toMatch(/m=audio 30000 RTP\/AVP 8\r\n/);
    expect(text).toContain('a=sendonly');
    expect(text).toMatch(/m=video 0 RTP\/AVP 96\r\n/);
    expect(g711LawOf(current)).toBe('pcma');
  });

  it('reads where the held party wants the music, or why it cannot have it', () => {
    expect(musicDestination(body(sdp(1, 'recvonly')), 0, 'pcma')).toEqual({
      address: '10.0.0.1',
      port: 4000,
    });
    expect(musicDestination(undefined, 0, 'pcma')).toBe('no SDP answer');
    expect(musicDestination(body(sdp(1, 'recvonly').replace('m=audio 4000', 'm=audio 0')), 0, 'pcma')).toBe(
      'music stream rejected',
    );
    expect(
      musicDestination(body(sdp(1, 'recvonly').replace('RTP/AVP 8 0 101', 'RTP/AVP 0 101')), 0, 'pcma'),
    ).toBe('answer without PCMA');
  });
});

describe('o= versions a held leg sees after our own offer (RFC 3264 §8)', () => {
  it('a relayed description after the music offer gets the next version; an unchanged one keeps it', () => {
    const leg = new LegSdpState(body(sdp(5, 'sendrecv')));
    const hold = leg.deliver(body(sdp(6, 'sendonly')));
    expect(hold?.content.toString()).toContain('o=alice 42 6 ');
    const music = holdMusicOffer(leg.sent!, 'pcma', { address: '192.0.2.5', port: 30000 });
    leg.offered(music!.sdp); // version 7
    // The holder resumes with its own next version, 7, which the leg has already seen.
    const resume = leg.deliver(body(sdp(7, 'sendrecv')));
    expect(resume?.content.toString()).toContain('o=alice 42 8 ');
    // The same description again (a refresh) keeps version 8; a changed one goes to 9.
    expect(leg.deliver(body(sdp(7, 'sendrecv')))?.content.toString()).toContain('o=alice 42 8 ');
    expect(leg.deliver(body(sdp(8, 'sendonly')))?.content.toString()).toContain('o=alice 42 9 ');
  });

  it('leaves another origin (a new party after a transfer) and non-SDP bodies as they are', () => {
    const leg = new LegSdpState(body(sdp(5, 'sendrecv')));
    const other = sdp(1, 'sendrecv').replace('o=alice 42', 'o=bob 77');
    expect(leg.deliver(body(other))?.content.toString()).toBe(other);
    const info = { contentType: 'application/dtmf-relay', content: Buffer.from('Signal=5') };
    expect(leg.deliver(info)).toBe(info);
  });
});
