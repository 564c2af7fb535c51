import { describe, expect, it } from 'vitest';
import { assertValidAnswer, checkAnswer, parseSdp, SdpNegotiationError } from '../src/index.js';
import { sdp } from './fixtures/example-types.js';

const head = (who: string) => ['v=0', `o=${who} 1 1 IN IP4 h`, 's=-', 'c=IN IP4 192.0.2.1', 't=0 0'];
const OFFER = parseSdp(
  sdp(
    ...head('alice'),
    'm=audio 4000 RTP/AVP 0 97 101',
    'a=rtpmap:97 iLBC/8000',
    'a=rtpmap:101 telephone-event/8000',
    'a=sendonly',
    'a=mid:a',
    'm=video 0 RTP/AVP 31',
    'm=image 4002 udptl t38',
  ),
);

function errorsFor(...media: string[]) {
  return checkAnswer(OFFER, parseSdp(sdp(...head('bob'), ...media)));
}

describe('checkAnswer reports precise errors', () => {
  const ok = ['m=audio 5000 RTP/AVP 0', 'a=recvonly', 'a=mid:a'];
  const video = 'm=video 0 RTP/AVP 31';
  const image = 'm=image 5002 udptl t38';

  it('accepts a valid answer', () => {
    expect(errorsFor(...ok, video, image)).toEqual([]);
    expect(() => assertValidAnswer(OFFER, parseSdp(sdp(...head('bob'), ...ok, video, image)))).not.toThrow();
  });

  it('accepts a renumbered dynamic payload type naming an offered codec (RFC 4317 §2.3)', () => {
    expect(errorsFor('m=audio 5000 RTP/AVP 99', 'a=rtpmap:99 iLBC/8000', 'a=recvonly', video, image)).toEqual(
      [],
    );
  });

  it.each([
    ['media-count', [...ok, video], 'answer has 2 m-lines, offer has 3'],
    [
      'media-type',
      ['m=video 5000 RTP/AVP 0', 'a=recvonly', video, image],
      'm-line 0 (audio): answer has media type video',
    ],
    [
      'protocol',
      ['m=audio 5000 RTP/SAVP 0', 'a=recvonly', video, image],
      'm-line 0 (audio): answer uses RTP/SAVP, offer RTP/AVP',
    ],
    [
      'accepted-disabled-stream',
      [...ok, 'm=video 5004 RTP/AVP 31', image],
      'm-line 1 (video): answer port 5004 for a stream offered with port 0',
    ],
    [
      'format-not-offered',
      ['m=audio 5000 RTP/AVP 8', 'a=recvonly', video, image],
      'payload type 8 (PCMA/8000) was not offered',
    ],
    [
      'format-not-offered',
      ['m=audio 5000 RTP/AVP 97', 'a=rtpmap:97 speex/8000', 'a=recvonly', video, image],
      'payload type 97 is speex/8000 in the answer but iLBC/8000 in the offer',
    ],
    [
      'format-not-offered',
      [...ok, video, 'm=image 5002 udptl t37'],
      'm-line 2 (image): format t37 was not offered',
    ],
    [
      'direction',
      ['m=audio 5000 RTP/AVP 0', video, image],
      'answer direction sendrecv is not allowed for offered sendonly',
    ],
    [
      'direction',
      ['m=audio 5000 RTP/AVP 0', 'a=sendonly', video, image],
      'answer direction sendonly is not allowed',
    ],
    [
      'mid',
      ['m=audio 5000 RTP/AVP 0', 'a=recvonly', 'a=mid:b', video, image],
      'answer mid b differs from offered mid a',
    ],
  ])('%s: %s', (code, media, message) => {
    const errors = errorsFor(...media);
    expect(errors.map((e) => e.code)).toEqual([code]);
    expect(errors[0]?.message).toContain(message);
  });

  it('reports the stream index and every error at once; assertValidAnswer throws them', () => {
    const answer = parseSdp(sdp(...head('bob'), 'm=audio 5000 RTP/AVP 8', video, 'm=image 5002 udptl t37'));
    const errors = checkAnswer(OFFER, answer);
    expect(errors.map((e) => [e.code, e.mediaIndex])).toEqual([
      ['format-not-offered', 0],
      ['direction', 0],
      ['format-not-offered', 2],
    ]);
    expect(() => assertValidAnswer(OFFER, answer)).toThrow(SdpNegotiationError);
    try {
      assertValidAnswer(OFFER, answer);
    } catch (e) {
      expect(e instanceof SdpNegotiationError && e.errors).toEqual(errors);
    }
  });
});
