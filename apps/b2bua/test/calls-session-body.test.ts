import { describe, expect, it } from 'vitest';
import { relayBody } from '../src/calls/bridge/session-body-relay.js';
import { buildCallRecord, dispositionOfStatus } from '../src/calls/records/call-record-builder.js';

const sdp = (media: string[]): Buffer =>
  Buffer.from(
    ['v=0', 'o=- 1 1 IN IP4 192.0.2.1', 's=-', 'c=IN IP4 192.0.2.1', 't=0 0', ...media, ''].join('\r\n'),
  );

describe('session bodies crossing the B2BUA', () => {
  it('keeps every m-line in place: audio+video, then video removed with port 0', () => {
    const upgraded = relayBody({
      contentType: 'application/sdp',
      content: sdp(['m=audio 4000 RTP/AVP 0', 'm=video 4002 RTP/AVP 96', 'a=rtpmap:96 H264/90000']),
    });
    expect(upgraded).toMatchObject({ ok: true, mediaCount: 2 });
    const text = upgraded.ok ? (upgraded.body?.content.toString() ?? '') : '';
    expect(text).toContain('m=audio 4000 RTP/AVP 0');
    expect(text).toContain('m=video 4002 RTP/AVP 96');
    const removed = relayBody({
      contentType: 'application/sdp',
      content: sdp(['m=audio 4000 RTP/AVP 0', 'm=video 0 RTP/AVP 96', 'm=application 5000 UDP/BFCP *']),
    });
    expect(removed).toMatchObject({ ok: true, mediaCount: 3 });
    const out = removed.ok ? (removed.body?.content.toString() ?? '') : '';
    expect(out.indexOf('m=video 0')).toBeGreaterThan(out.indexOf('m=audio'));
    expect(out).toContain('m=application 5000 UDP/BFCP *');
  });

  it('refuses SDP it cannot read (the caller gets 488) and passes other body types', () => {
    const bad = relayBody({ contentType: 'application/sdp', content: Buffer.from('this is not sdp') });
    expect(bad.ok).toBe(false);
    const noMedia = relayBody({ contentType: 'application/sdp', content: sdp([]) });
    expect(noMedia).toEqual({ ok: false, reason: 'SDP without media' });
    const dtmf = relayBody({ contentType: 'application/dtmf-relay', content: Buffer.from('Signal=5') });
    expect(dtmf).toMatchObject({ ok: true, mediaCount: 0, body: { contentType: 'application/dtmf-relay' } });
    expect(relayBody(undefined)).toEqual({ ok: true, body: undefined, mediaCount: 0 });
  });
});

describe('call records', () => {
  it('maps final statuses to dispositions and clock times to ISO times', () => {
    expect([302, 486, 600, 487, 480, 408, 603, 404, 503].map(dispositionOfStatus)).toEqual([
      'redirected',
      'busy',
      'busy',
      'cancelled',
      'no_answer',
      'no_answer',
      'rejected',
      'rejected',
      'failed',
    ]);
    const rec = buildCallRecord(
      {
        id: 'c1',
        callerNumber: '100',
        calleeNumber: '201',
        answeredBy: '201',
        startedAt: 1000,
        ringingAt: 1200,
        answeredAt: 3000,
        endedAt: 9000,
        disposition: 'answered',
        hangupCause: 'BYE',
        hangupSide: 'callee',
        legs: [
          {
            target: '201',
            uri: 'sip:201@192.0.2.5',
            startedAt: 1100,
            endedAt: 9000,
            status: 200,
            answered: true,
          },
        ],
      },
      (t) => Date.UTC(2026, 0, 1) + t,
    );
    expect(rec).toEqual({
      id: 'c1',
      callerNumber: '100',
      calleeNumber: '201',
      answeredBy: '201',
      startedAt: '2026-01-01T00:00:01.000Z',
      ringingAt: '2026-01-01T00:00:01.200Z',
      answeredAt: '2026-01-01T00:00:03.000Z',
      endedAt: '2026-01-01T00:00:09.000Z',
      disposition: 'answered',
      hangupCause: 'BYE',
      hangupSide: 'callee',
      direction: 'internal',
      legs: [
        {
          target: 'sip:201@192.0.2.5',
          startedAt: '2026-01-01T00:00:01.100Z',
          endedAt: '2026-01-01T00:00:09.000Z',
          status: 200,
          answered: true,
        },
      ],
    });
  });
});
