import { describe, expect, it } from 'vitest';
import {
  answerDirection,
  type AnswerOptions,
  checkAnswer,
  type CodecCapability,
  createAnswer,
  detectHold,
  isTelephoneEvent,
  type MediaCapability,
  type MediaDescription,
  parseSdp,
  type SessionDescription,
} from '../src/index.js';
import type { Exchange } from './fixtures/example-types.js';
import { RFC3264_EXAMPLES } from './fixtures/rfc3264-examples.js';
import { RFC4317_EXAMPLES } from './fixtures/rfc4317-examples.js';

const EXCHANGES: [string, Exchange][] = [...RFC3264_EXAMPLES, ...RFC4317_EXAMPLES].flatMap((e) =>
  e.exchanges.map((x): [string, Exchange] => [`${e.source} ${e.title}: ${x.label}`, x]),
);

function mediaAt(sdp: SessionDescription, index: number): MediaDescription {
  const m = sdp.media[index];
  if (!m) throw new Error(`no m-line ${index}`);
  return m;
}

/**
 * The answerer the RFC describes, reconstructed from its answer: it supports exactly the codecs it
 * accepted, per media type, and its direction intent is whatever differs from the plain complement.
 */
function answererOf(offer: SessionDescription, answer: SessionDescription): AnswerOptions {
  const caps = new Map<string, MediaCapability & { protocols: string[]; codecs: CodecCapability[] }>();
  answer.media.forEach((am, i) => {
    if (am.port === 0) return;
    const cap = caps.get(am.media) ?? { media: am.media, protocols: [], codecs: [] };
    caps.set(am.media, cap);
    if (!cap.protocols.includes(am.protocol)) cap.protocols.push(am.protocol);
    for (const c of am.codecs) {
      if (isTelephoneEvent(c.encodingName)) cap.telephoneEvent = true;
      else cap.codecs.push({ encodingName: c.encodingName, clockRate: c.clockRate });
    }
    const offered = mediaAt(offer, i).effectiveDirection(offer);
    const answered = am.effectiveDirection(answer);
    if (answered !== answerDirection(offered)) cap.direction = answered;
  });
  const o = answer.origin;
  return {
    capabilities: [...caps.values()],
    connection: { address: answer.connection?.address ?? '' },
    port: (i) => answer.media[i]?.port ?? -1,
    origin: {
      username: o.username,
      sessionId: o.sessionId,
      sessionVersion: o.sessionVersion,
      address: o.address,
    },
    sessionName: answer.sessionName,
  };
}

describe('RFC 3264 §10 and RFC 4317 offer/answer examples', () => {
  it.each(EXCHANGES)('%s: checkAnswer agrees with the RFC', (_name, x) => {
    const errors = checkAnswer(parseSdp(x.offer), parseSdp(x.answer));
    expect(errors.map((e) => e.code)).toEqual(x.expectedErrors ?? []);
  });

  it.each(EXCHANGES.filter(([, x]) => !x.expectedErrors))(
    '%s: createAnswer from the answerer capabilities reproduces the RFC answer',
    (_name, x) => {
      const offer = parseSdp(x.offer);
      const expected = parseSdp(x.answer);
      const { answer, streams } = createAnswer(offer, answererOf(offer, expected));
      expect(checkAnswer(offer, answer)).toEqual([]);
      expect(answer.origin).toEqual(expected.origin);
      expect(answer.media.length).toBe(expected.media.length);
      expected.media.forEach((em, i) => {
        const m = answer.media[i];
        expect(m?.media).toBe(em.media);
        expect(m?.port).toBe(em.port);
        expect(streams[i]?.accepted).toBe(em.port !== 0);
        if (em.port === 0) return;
        expect(m?.codecs.map((c) => c.encodingName)).toEqual(em.codecs.map((c) => c.encodingName));
        expect(m?.effectiveDirection(answer)).toBe(em.effectiveDirection(expected));
        // A media-level c= (RFC 4317 §2.8, §4.1) is a local choice that capabilities do not express.
        if (!em.connection) expect(m?.effectiveConnection(answer)).toEqual(em.effectiveConnection(expected));
      });
    },
  );

  it('keeps the offerer payload type numbers for dynamic codecs (RFC 3264 §6.1)', () => {
    const x = RFC4317_EXAMPLES.find((e) => e.source === 'RFC 4317 §2.3')?.exchanges[0];
    const offer = parseSdp(x?.offer ?? '');
    const { answer } = createAnswer(offer, answererOf(offer, parseSdp(x?.answer ?? '')));
    // The RFC's Bob renumbers iLBC to 99 (allowed); ours keeps Alice's 97.
    expect(answer.media[0]?.formats).toEqual(['97']);
    expect(answer.media[0]?.getAttributes('rtpmap')).toEqual(['97 iLBC/8000']);
  });

  it('detects hold: a=sendonly answer (§3.1), sendonly stream of two (§3.2), c=0.0.0.0 (§5.2, §5.3)', () => {
    const ex = (source: string, n: number) => RFC4317_EXAMPLES.find((e) => e.source === source)?.exchanges[n];
    const a31 = parseSdp(ex('RFC 4317 §3.1', 0)?.answer ?? '');
    expect(detectHold(mediaAt(a31, 0), a31)).toBe('sendonly');
    const o32 = parseSdp(ex('RFC 4317 §3.2', 1)?.offer ?? '');
    expect(o32.media.map((m) => detectHold(m, o32))).toEqual(['sendonly', 'none']);
    const o52 = parseSdp(ex('RFC 4317 §5.2', 0)?.offer ?? '');
    expect(detectHold(mediaAt(o52, 0), o52)).toBe('connection-zero');
    const a53 = parseSdp(ex('RFC 4317 §5.3', 0)?.answer ?? '');
    expect(detectHold(mediaAt(a53, 0), a53)).toBe('connection-zero');
    const o51 = parseSdp(ex('RFC 4317 §5.2', 1)?.offer ?? '');
    expect(detectHold(mediaAt(o51, 0), o51)).toBe('none');
  });

  it('reports the legacy hold of an offer in the negotiated stream and still answers normally (RFC 4317 §5.2)', () => {
    const x = RFC4317_EXAMPLES.find((e) => e.source === 'RFC 4317 §5.2')?.exchanges[0];
    const offer = parseSdp(x?.offer ?? '');
    const { answer, streams } = createAnswer(offer, answererOf(offer, parseSdp(x?.answer ?? '')));
    expect(streams[0]?.remoteHold).toBe('connection-zero');
    expect(streams[0]?.remoteAddress).toBe('0.0.0.0');
    expect(answer.media[0]?.direction).toBeUndefined();
  });

  it('answers a re-offer with an unchanged description without bumping the version (RFC 4317 §2.5)', () => {
    const x = RFC4317_EXAMPLES.find((e) => e.source === 'RFC 4317 §2.5');
    const aliceFirst = parseSdp(x?.exchanges[0]?.offer ?? '');
    const bobReoffer = parseSdp(x?.exchanges[1]?.offer ?? '');
    const { answer } = createAnswer(bobReoffer, {
      capabilities: [
        { media: 'audio', protocols: ['RTP/AVP'], codecs: [{ encodingName: 'iLBC', clockRate: 8000 }] },
        { media: 'video', protocols: ['RTP/AVP'], codecs: [{ encodingName: 'H261', clockRate: 90000 }] },
      ],
      connection: { address: 'host.atlanta.example.com' },
      port: (i) => [49170, 51372][i] ?? 0,
      previous: aliceFirst,
    });
    expect(answer.toString()).toBe(x?.exchanges[1]?.answer);
  });

  it('bumps the answerer version when its answer changes (RFC 4317 §4.1)', () => {
    const x = RFC4317_EXAMPLES.find((e) => e.source === 'RFC 4317 §4.1');
    const aliceFirst = parseSdp(x?.exchanges[0]?.offer ?? '');
    const bobReoffer = parseSdp(x?.exchanges[1]?.offer ?? '');
    const { answer } = createAnswer(bobReoffer, {
      capabilities: [
        {
          media: 'audio',
          protocols: ['RTP/AVP'],
          codecs: [
            { encodingName: 'PCMU', clockRate: 8000 },
            { encodingName: 'iLBC', clockRate: 8000 },
          ],
          telephoneEvent: true,
        },
      ],
      connection: { address: 'host.atlanta.example.com' },
      port: (i) => [49170, 49172][i] ?? 0,
      previous: aliceFirst,
    });
    expect(answer.origin.sessionVersion).toBe(2890844527n);
    expect(answer.media.map((m) => m.formats)).toEqual([['97'], ['98']]);
    expect(answer.media.map((m) => m.direction)).toEqual([undefined, 'sendonly']);
    expect(checkAnswer(bobReoffer, answer)).toEqual([]);
  });
});
