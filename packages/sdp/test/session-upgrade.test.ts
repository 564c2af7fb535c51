import { describe, expect, it } from 'vitest';
import {
  addStream,
  checkAnswer,
  createAnswer,
  createOffer,
  createReoffer,
  holdStream,
  type MediaCapability,
  parseSdp,
  relaySdp,
  removeStream,
  resumeStream,
  type SessionDescription,
} from '../src/index.js';

const AUDIO: MediaCapability = {
  media: 'audio',
  protocols: ['RTP/AVP'],
  codecs: [
    { encodingName: 'PCMU', clockRate: 8000 },
    { encodingName: 'PCMA', clockRate: 8000 },
  ],
  telephoneEvent: true,
  ptime: 20,
};
const VIDEO: MediaCapability = {
  media: 'video',
  protocols: ['RTP/AVP'],
  codecs: [
    {
      encodingName: 'H264',
      clockRate: 90000,
      fmtp: 'packetization-mode=1',
      matchFmtp: ['packetization-mode'],
    },
  ],
};
const WHITEBOARD: MediaCapability = {
  media: 'application',
  protocols: ['UDP/DTLS/SCTP'],
  formats: ['webrtc-datachannel'],
  attributes: ['sctp-port:5000'],
};

const alice = {
  origin: { username: 'alice', sessionId: '1000', address: '192.0.2.1' },
  connection: { address: '192.0.2.1' },
};
const bobCaps = [AUDIO, VIDEO, WHITEBOARD];

/** Bob answers with the given capabilities, ports 20000 + 2·index, keeping his o= across the dialog. */
function bobAnswers(offer: SessionDescription, previous?: SessionDescription, capabilities = bobCaps) {
  const result = createAnswer(offer, {
    capabilities,
    connection: { address: '192.0.2.2' },
    port: (i) => 20000 + 2 * i,
    ...(previous ? { previous } : { origin: { username: 'bob', sessionId: '2000', address: '192.0.2.2' } }),
  });
  expect(checkAnswer(offer, result.answer)).toEqual([]);
  // Whatever is produced must survive the wire: serialise, parse, compare.
  expect(parseSdp(result.answer.toString()).toString()).toBe(result.answer.toString());
  return result;
}

/** What a B2BUA in the middle sees: every m-line of every media type passes, in order. */
function expectRelayKeepsEveryLine(sdp: SessionDescription) {
  const { sdp: relayed } = relaySdp(sdp, {
    connection: { address: '203.0.113.1', port: (i) => 40000 + 2 * i },
  });
  expect(relayed.media.map((m) => [m.media, m.protocol, m.formats, m.port === 0])).toEqual(
    sdp.media.map((m) => [m.media, m.protocol, m.formats, m.port === 0]),
  );
}

describe('audio → audio+video → audio+video+application → back, in one session', () => {
  it('negotiates each step with the right m-lines and o= versions', () => {
    // 1. Audio only.
    const offer1 = createOffer({ ...alice, streams: [{ capability: AUDIO, port: 10000 }] });
    expect(offer1.media[0]?.formats).toEqual(['0', '8', '101']);
    const { answer: answer1, streams: s1 } = bobAnswers(offer1);
    expect(s1.map((s) => s.accepted)).toEqual([true]);
    expect(s1[0]?.telephoneEventPayloadType).toBe(101);
    expectRelayKeepsEveryLine(offer1);

    // 2. Add video: appended m-line, version +1 on both sides.
    const offer2 = createReoffer(offer1, (d) => addStream(d, { capability: VIDEO, port: 10002 }));
    expect(offer2.origin.sessionVersion).toBe(offer1.origin.sessionVersion + 1n);
    expect(offer2.media.map((m) => m.media)).toEqual(['audio', 'video']);
    const { answer: answer2, streams: s2 } = bobAnswers(offer2, answer1);
    expect(s2.map((s) => s.accepted)).toEqual([true, true]);
    expect(answer2.origin.sessionVersion).toBe(answer1.origin.sessionVersion + 1n);
    expect(answer2.media[1]?.codecs.map((c) => c.encodingName)).toEqual(['H264']);
    expectRelayKeepsEveryLine(offer2);

    // 3. Add an application (whiteboard-like) stream.
    const offer3 = createReoffer(offer2, (d) => addStream(d, { capability: WHITEBOARD, port: 10004 }));
    expect(offer3.media.map((m) => m.media)).toEqual(['audio', 'video', 'application']);
    const { answer: answer3, streams: s3 } = bobAnswers(offer3, answer2);
    expect(s3.map((s) => s.accepted)).toEqual([true, true, true]);
    expect(answer3.media[2]?.formats).toEqual(['webrtc-datachannel']);
    expect(answer3.media[2]?.getAttribute('sctp-port')).toBe('5000');
    expectRelayKeepsEveryLine(offer3);

    // 4. Back: drop the application, then the video stream; m-lines keep their places with port 0.
    const offer4 = createReoffer(offer3, (d) => removeStream(d, 2));
    expect(offer4.media.map((m) => [m.media, m.port])).toEqual([
      ['audio', 10000],
      ['video', 10002],
      ['application', 0],
    ]);
    const { answer: answer4 } = bobAnswers(offer4, answer3);
    expect(answer4.media.map((m) => m.port)).toEqual([20000, 20002, 0]);
    expectRelayKeepsEveryLine(offer4);

    const offer5 = createReoffer(offer4, (d) => removeStream(d, 1));
    expect(offer5.media.map((m) => m.port)).toEqual([10000, 0, 0]);
    expect(offer5.origin.sessionVersion).toBe(offer1.origin.sessionVersion + 4n);
    const { answer: answer5, streams: s5 } = bobAnswers(offer5, answer4);
    expect(s5.map((s) => s.accepted)).toEqual([true, false, false]);
    expect(answer5.media.map((m) => m.port)).toEqual([20000, 0, 0]);
    // Audio was never renegotiated away: same codecs as at step 1.
    expect(answer5.media[0]?.formats).toEqual(answer1.media[0]?.formats);
    expectRelayKeepsEveryLine(answer5);

    // 5. Re-adding video appends a fourth m-line (the removed slots stay).
    const offer6 = createReoffer(offer5, (d) => addStream(d, { capability: VIDEO, port: 10006 }));
    expect(offer6.media.map((m) => [m.media, m.port])).toEqual([
      ['audio', 10000],
      ['video', 0],
      ['application', 0],
      ['video', 10006],
    ]);
  });

  it('answers audio only when the answerer cannot do video (the video m-line stays with port 0)', () => {
    const offer = createOffer({
      ...alice,
      streams: [
        { capability: AUDIO, port: 10000 },
        { capability: VIDEO, port: 10002 },
      ],
    });
    const { answer, streams } = bobAnswers(offer, undefined, [AUDIO]);
    expect(answer.media.map((m) => [m.media, m.port])).toEqual([
      ['audio', 20000],
      ['video', 0],
    ]);
    expect(streams[1]?.rejectReason).toBe('unsupported-media');
  });

  it('does not bump the version of a re-offer that changes nothing', () => {
    const offer1 = createOffer({ ...alice, streams: [{ capability: AUDIO, port: 10000 }] });
    const same = createReoffer(offer1, () => undefined);
    expect(same.origin).toEqual(offer1.origin);
    expect(same.toString()).toBe(offer1.toString());
    const held = createReoffer(offer1, (d) => holdStream(d));
    expect(held.origin.sessionVersion).toBe(offer1.origin.sessionVersion + 1n);
    expect(held.media[0]?.direction).toBe('sendonly');
    const { streams } = bobAnswers(held);
    expect(streams[0]?.remoteHold).toBe('sendonly');
    expect(streams[0]?.direction).toBe('recvonly');
    const resumed = createReoffer(held, (d) => resumeStream(d));
    expect(resumed.media[0]?.direction).toBe('sendrecv');
    expect(resumed.origin.sessionVersion).toBe(offer1.origin.sessionVersion + 2n);
  });
});
