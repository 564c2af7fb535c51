import { describe, expect, it } from 'vitest';
import {
  answerDirection,
  buildMediaSection,
  createAnswer,
  createOffer,
  createReoffer,
  holdStream,
  isDirectionAllowed,
  parseSdp,
  removeStream,
  SdpValueError,
} from '../src/index.js';
import { sdp } from './fixtures/example-types.js';
import { T38_BODY, WEBRTC_OFFER_BODY } from './fixtures/sample-bodies.js';

describe('createOffer', () => {
  it('writes o=, c=, static and dynamic payload types, fmtp, rtcp-fb, ptime, mid and direction', () => {
    const offer = createOffer({
      origin: { username: 'pbx', sessionId: '42', address: '192.0.2.9' },
      connection: { address: '192.0.2.9' },
      sessionName: 'Switchboard',
      streams: [
        {
          port: 30000,
          mid: 'a',
          capability: {
            media: 'audio',
            protocols: ['RTP/AVP'],
            codecs: [
              { encodingName: 'opus', clockRate: 48000, channels: 2, fmtp: 'useinbandfec=1' },
              { encodingName: 'PCMA', clockRate: 8000 },
            ],
            telephoneEvent: { clockRates: [48000, 8000] },
            ptime: 20,
            direction: 'sendonly',
          },
        },
        {
          port: 30002,
          connection: { address: '2001:db8::9', addrType: 'IP6' },
          capability: {
            media: 'video',
            protocols: ['RTP/AVPF'],
            codecs: [{ encodingName: 'VP8', clockRate: 90000, payloadType: 100, feedback: ['nack pli'] }],
            rtcpMux: true,
          },
        },
      ],
    });
    expect(offer.toString()).toBe(
      sdp(
        'v=0',
        'o=pbx 42 42 IN IP4 192.0.2.9',
        's=Switchboard',
        'c=IN IP4 192.0.2.9',
        't=0 0',
        'm=audio 30000 RTP/AVP 96 8 101 97',
        'a=rtpmap:96 opus/48000/2',
        'a=fmtp:96 useinbandfec=1',
        'a=rtpmap:8 PCMA/8000',
        'a=rtpmap:101 telephone-event/48000',
        'a=fmtp:101 0-16',
        'a=rtpmap:97 telephone-event/8000',
        'a=fmtp:97 0-16',
        'a=ptime:20',
        'a=mid:a',
        'a=sendonly',
        'm=video 30002 RTP/AVPF 100',
        'c=IN IP6 2001:db8::9',
        'a=rtpmap:100 VP8/90000',
        'a=rtcp-fb:100 nack pli',
        'a=rtcp-mux',
      ),
    );
  });

  it('rejects a capability with nothing to offer', () => {
    expect(() =>
      buildMediaSection({ port: 1, capability: { media: 'audio', protocols: ['RTP/AVP'] } }),
    ).toThrow(SdpValueError);
    expect(() => buildMediaSection({ port: 1, capability: { media: 'audio', protocols: [] } })).toThrow(
      'lists no protocol',
    );
  });
});

describe('re-offers', () => {
  it('removeStream keeps the m-line with port 0 and one format, dropping its attributes', () => {
    const previous = parseSdp(WEBRTC_OFFER_BODY);
    const next = createReoffer(previous, (d) => removeStream(d, 1));
    expect(next.media.length).toBe(3);
    expect(next.media[1]?.lines).toEqual(['m=video 0 UDP/TLS/RTP/SAVPF 96']);
    expect(next.media[0]?.lines).toEqual(previous.media[0]?.lines);
    expect(next.origin.sessionVersion).toBe(3n);
    expect(() => removeStream(next, 9)).toThrow('no media description at index 9');
  });

  it('holdStream turns recvonly into inactive (RFC 3264 §8.4)', () => {
    const previous = parseSdp(
      sdp(
        'v=0',
        'o=- 1 1 IN IP4 h',
        's=-',
        'c=IN IP4 h',
        't=0 0',
        'm=audio 1 RTP/AVP 0',
        'a=recvonly',
        'm=video 0 RTP/AVP 31',
      ),
    );
    const next = createReoffer(previous, (d) => holdStream(d));
    expect(next.media.map((m) => m.direction)).toEqual(['inactive', undefined]);
  });
});

describe('answer details', () => {
  const offer = parseSdp(
    sdp(
      'v=0',
      'o=- 1 1 IN IP4 h',
      's=-',
      'c=IN IP4 198.51.100.1',
      't=0 0',
      'm=audio 4000 RTP/AVP 8 0 96 101 102',
      'a=rtpmap:96 opus/48000/2',
      'a=rtpmap:101 telephone-event/8000',
      'a=rtpmap:102 telephone-event/48000',
      'a=fmtp:101 0-15',
      'a=rtcp-mux',
      'a=mid:audio',
      'm=image 4002 udptl t38',
      'a=T38FaxVersion:0',
      'm=video 4004 RTP/SAVP 31',
      'm=text 4006 RTP/AVP 98',
      'a=rtpmap:98 t140/1000',
    ),
  );
  const options = {
    connection: { address: '192.0.2.7' },
    port: (i: number) => 6000 + i * 2,
    origin: { sessionId: '77', address: '192.0.2.7' },
  };

  it('intersects codecs, keeps telephone-event at a chosen clock rate, echoes mid and rtcp-mux, answers T.38', () => {
    const { answer, streams } = createAnswer(offer, {
      ...options,
      capabilities: [
        {
          media: 'audio',
          protocols: ['RTP/AVP'],
          codecs: [
            { encodingName: 'PCMU', clockRate: 8000 },
            { encodingName: 'PCMA', clockRate: 8000 },
          ],
          telephoneEvent: true,
          ptime: 20,
        },
        {
          media: 'image',
          protocols: ['udptl'],
          formats: ['t38'],
          attributes: ['T38FaxVersion:0', 'T38MaxBitRate:14400'],
        },
        { media: 'video', protocols: ['RTP/AVP'], codecs: [{ encodingName: 'H261', clockRate: 90000 }] },
      ],
    });
    expect(answer.media[0]?.lines).toEqual([
      'm=audio 6000 RTP/AVP 8 0 101',
      'a=rtpmap:8 PCMA/8000',
      'a=rtpmap:0 PCMU/8000',
      'a=rtpmap:101 telephone-event/8000',
      'a=fmtp:101 0-15',
      'a=ptime:20',
      'a=rtcp-mux',
      'a=mid:audio',
    ]);
    expect(streams[0]?.telephoneEventPayloadType).toBe(101);
    expect(answer.media[1]?.lines).toEqual([
      'm=image 6002 udptl t38',
      'a=T38FaxVersion:0',
      'a=T38MaxBitRate:14400',
    ]);
    expect(streams.map((s) => s.rejectReason)).toEqual([
      undefined,
      undefined,
      'unsupported-protocol',
      'unsupported-media',
    ]);
    expect(answer.media.slice(2).map((m) => m.lines[0])).toEqual([
      'm=video 0 RTP/SAVP 31',
      'm=text 0 RTP/AVP 98',
    ]);
  });

  it("orders codecs by local preference with codecOrder 'local' and rejects when nothing matches", () => {
    const { answer } = createAnswer(offer, {
      ...options,
      codecOrder: 'local',
      capabilities: [
        {
          media: 'audio',
          protocols: ['RTP/AVP'],
          codecs: [
            { encodingName: 'OPUS', clockRate: 48000, channels: 2 },
            { encodingName: 'PCMU', clockRate: 8000 },
          ],
        },
      ],
    });
    expect(answer.media[0]?.formats).toEqual(['96', '0']);
    const none = createAnswer(offer, {
      ...options,
      capabilities: [
        { media: 'audio', protocols: ['RTP/AVP'], codecs: [{ encodingName: 'G729', clockRate: 8000 }] },
      ],
    });
    expect(none.streams[0]?.rejectReason).toBe('no-common-format');
    expect(none.answer.media[0]?.port).toBe(0);
  });

  it('answers T.38 read from a real body with the typed view', () => {
    const t38 = parseSdp(T38_BODY);
    const { answer } = createAnswer(t38, {
      ...options,
      capabilities: [
        { media: 'image', protocols: ['udptl'], formats: ['t38'], attributes: ['T38FaxVersion:0'] },
      ],
    });
    expect(answer.media[0]?.t38.version).toBe(0);
    expect(answer.media[0]?.port).toBe(6000);
  });

  it('needs an origin or a previous description', () => {
    expect(() =>
      createAnswer(offer, { capabilities: [], connection: options.connection, port: options.port }),
    ).toThrow('createAnswer needs either options.origin or options.previous');
  });
});

describe('direction rules (RFC 3264 §6.1)', () => {
  it.each([
    ['sendrecv', 'sendrecv', 'sendrecv'],
    ['sendrecv', 'sendonly', 'sendonly'],
    ['sendonly', 'sendrecv', 'recvonly'],
    ['recvonly', 'sendrecv', 'sendonly'],
    ['inactive', 'sendrecv', 'inactive'],
    ['sendonly', 'sendonly', 'inactive'],
    ['recvonly', 'recvonly', 'inactive'],
  ] as const)('offer %s, local %s → %s', (offered, local, expected) => {
    expect(answerDirection(offered, local)).toBe(expected);
    expect(isDirectionAllowed(offered, expected)).toBe(true);
  });
});
