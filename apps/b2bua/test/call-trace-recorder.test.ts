import { describe, expect, it } from 'vitest';
import { CallTraceRecorder, type TracePacket } from '../src/calls/trace/call-trace-recorder.js';
import { sipCallIdOf } from '../src/calls/trace/sip-call-id.js';

const PBX = { host: '192.0.2.1', port: 5060 };
const PHONE = { host: '192.0.2.7', port: 5062 };

function packet(dir: 'in' | 'out', startLine: string, callId: string, extra = ''): TracePacket {
  const text = `${startLine}\r\nVia: SIP/2.0/UDP x\r\nCall-ID: ${callId}\r\nCSeq: 1 INVITE\r\n${extra}\r\n`;
  return { dir, proto: 'UDP', local: PBX, remote: PHONE, data: Buffer.from(text) };
}

function recorder(limits: Partial<ConstructorParameters<typeof CallTraceRecorder>[0]> = {}) {
  let now = 1_000;
  const r = new CallTraceRecorder(
    { maxCallBytes: 10_000, maxPending: 4, pendingMs: 32_000, ...limits },
    () => (now += 1),
  );
  return { r, advance: (ms: number) => (now += ms) };
}

describe('sipCallIdOf', () => {
  const callIdOf = (text: string): string | undefined => sipCallIdOf(Buffer.from(text));

  it('reads Call-ID and the compact form i (RFC 3261 §7.3.3), only from the head', () => {
    expect(callIdOf('BYE sip:a SIP/2.0\r\nCall-ID:  abc@h \r\n\r\n')).toBe('abc@h');
    expect(callIdOf('SIP/2.0 200 OK\r\ni: xyz\r\n\r\n')).toBe('xyz');
    expect(callIdOf('SIP/2.0 200 OK\r\nTo: <sip:a>\r\n\r\nCall-ID: in-body')).toBeUndefined();
  });

  it('matches the header name in any case, with blanks before the colon, and no other name', () => {
    expect(callIdOf('BYE sip:a SIP/2.0\r\ncAlL-iD \t: q1\r\n\r\n')).toBe('q1');
    expect(callIdOf('BYE sip:a SIP/2.0\r\nI:q2\r\n')).toBe('q2');
    expect(
      callIdOf('BYE sip:a SIP/2.0\r\nCall-Info: <x>\r\nIdentity: y\r\nCall\rid: z\r\n\r\n'),
    ).toBeUndefined();
    expect(callIdOf('Call-ID: on-the-start-line\r\n\r\n')).toBeUndefined();
    expect(callIdOf('BYE sip:a SIP/2.0\nCall-ID: lf-only\n\n')).toBe('lf-only');
  });

  it('a blank value gives none; a line with nothing after the colon is passed over', () => {
    expect(callIdOf('BYE sip:a SIP/2.0\r\nCall-ID:   \r\ni: later\r\n\r\n')).toBeUndefined();
    expect(callIdOf('BYE sip:a SIP/2.0\r\nCall-ID:\r\ni: later\r\n\r\n')).toBe('later');
    expect(callIdOf('BYE sip:a SIP/2.0\r\nCall-ID: ü@host\r\n\r\n')).toBe('ü@host');
  });
});

describe('CallTraceRecorder', () => {
  it('an INVITE heard before the call exists is claimed by begin; legs join by their own Call-ID', () => {
    const { r } = recorder();
    r.record(packet('in', 'INVITE sip:201@pbx SIP/2.0', 'caller-1'));
    r.record(packet('out', 'SIP/2.0 407 Proxy Authentication Required', 'caller-1'));
    r.begin('call-a', 'caller-1');
    r.addLeg('call-a', 'leg-1');
    r.record(packet('out', 'INVITE sip:201@phone SIP/2.0', 'leg-1'));
    r.record(packet('in', 'REGISTER sip:pbx SIP/2.0', 'unrelated'));
    const trace = r.finish('call-a');
    expect(trace?.sipCallIds).toEqual(['caller-1', 'leg-1']);
    expect(trace?.entries.map((e) => `${e.dir} ${e.msg.split('\r\n')[0]}`)).toEqual([
      'in INVITE sip:201@pbx SIP/2.0',
      'out SIP/2.0 407 Proxy Authentication Required',
      'out INVITE sip:201@phone SIP/2.0',
    ]);
    expect(r.sizes).toEqual({ calls: 0, sipCallIds: 0, pending: 0 });
    // After finish the Call-IDs are no longer captured.
    r.record(packet('in', 'SIP/2.0 200 OK', 'leg-1'));
    expect(r.finish('call-a')).toBeUndefined();
  });

  it('a call keeps at most maxCallBytes of messages and counts the rest as dropped', () => {
    const one = packet('in', 'INVITE sip:201@pbx SIP/2.0', 'c').data.length;
    const { r } = recorder({ maxCallBytes: one * 2 });
    r.begin('call', 'c');
    for (let i = 0; i < 5; i++) r.record(packet('in', 'INVITE sip:201@pbx SIP/2.0', 'c'));
    const trace = r.finish('call');
    expect(trace?.entries).toHaveLength(2);
    expect(trace?.dropped).toBe(3);
    expect(trace?.bytes).toBe(one * 2);
  });

  it('pending INVITE dialogs are bounded in number and age; only an incoming INVITE opens one', () => {
    const { r, advance } = recorder({ maxPending: 2, pendingMs: 1_000 });
    r.record(packet('in', 'OPTIONS sip:pbx SIP/2.0', 'options'));
    r.record(packet('out', 'INVITE sip:x SIP/2.0', 'ours'));
    expect(r.sizes.pending).toBe(0);
    for (const id of ['a', 'b', 'c']) r.record(packet('in', 'INVITE sip:x SIP/2.0', id));
    expect(r.sizes.pending).toBe(2);
    advance(2_000);
    r.record(packet('in', 'INVITE sip:x SIP/2.0', 'd'));
    expect(r.sizes.pending).toBe(1);
    r.begin('call-d', 'd');
    expect(r.finish('call-d')?.entries).toHaveLength(1);
  });

  it('stored entries have SDES keys blanked and plain endpoints (nothing else a transport object carries)', () => {
    const { r } = recorder();
    const crypto = 'a=crypto:1 AES_CM_128_HMAC_SHA1_80 inline:PS1uQCVeeCFCanVmcjkpPywjNWhcYD0mXXtxaVBR|2^20';
    r.record(packet('in', 'INVITE sip:201@pbx SIP/2.0', 'c', `\r\nv=0\r\n${crypto}\r\n`));
    const remote = { host: '192.0.2.9', port: 5070, flow: 'tcp-7' };
    r.record({ ...packet('out', 'SIP/2.0 200 OK', 'c'), remote });
    r.begin('call', 'c');
    const entries = r.finish('call')?.entries ?? [];
    expect(entries[0]?.msg).toContain(`inline:${'*'.repeat(40)}|2^20`);
    expect(entries[0]?.msg).not.toContain('PS1uQ');
    expect(entries[1]?.remote).toEqual({ host: '192.0.2.9', port: 5070 });
    expect(JSON.stringify(entries[1])).not.toContain('flow');
  });
});
