import { describe, expect, it } from 'vitest';
import { parseRtpengineDtmf } from '../src/calls/dtmf/rtpengine-dtmf-event.js';

/** A datagram as rtpengine 10.5 prints it (daemon/dtmf.c `dtmf_json_print`). */
function datagram(fields: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({
      callid: '6c1f3d0e-call',
      source_tag: 'caller',
      tags: ['caller', 'z9hG4bK-branch'],
      type: 'DTMF',
      timestamp: 1_796_650_000,
      source_ip: '127.0.0.1',
      event: 10,
      duration: 100,
      volume: 10,
      ...fields,
    }),
  );
}

describe("rtpengine's DTMF event datagrams (--dtmf-log-dest)", () => {
  it('reads the call, the tag whose RTP carried it and the key (RFC 4733 §3.2 codes)', () => {
    expect(parseRtpengineDtmf(datagram())).toEqual({
      ok: true,
      event: { callId: '6c1f3d0e-call', sourceTag: 'caller', digit: '*', durationMs: 100 },
    });
    const keys = [0, 5, 9, 11, 12, 15].map((event) => {
      const r = parseRtpengineDtmf(datagram({ event }));
      return r.ok ? r.event.digit : r.reason;
    });
    expect(keys).toEqual(['0', '5', '9', '#', 'A', 'D']);
  });

  it('refuses what is not a DTMF key event, saying why', () => {
    const reason = (d: Buffer) => {
      const r = parseRtpengineDtmf(d);
      return r.ok ? 'accepted' : r.reason;
    };
    expect(reason(Buffer.from('{"callid":'))).toBe('not JSON');
    expect(reason(datagram({ event: 16 }))).toBe('event 16 is not a DTMF key'); // flash hook
    expect(reason(datagram({ type: 'other' }))).toContain('type');
    expect(reason(datagram({ callid: '' }))).toContain('callid');
    expect(reason(datagram({ event: '5' }))).toContain('event');
    expect(reason(Buffer.from('[]'))).not.toBe('accepted');
  });
});
