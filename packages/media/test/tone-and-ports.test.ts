import { describe, expect, it } from 'vitest';
import { beep, generateTone, silence } from '../src/audio/tone.js';
import { RtpPortAllocator } from '../src/net/rtp-port-allocator.js';
import { PortAllocationError } from '../src/errors.js';

function zeroCrossings(samples: Int16Array): number {
  let n = 0;
  for (let i = 1; i < samples.length; i++) if ((samples[i - 1] ?? 0) < 0 !== (samples[i] ?? 0) < 0) n++;
  return n;
}

describe('tone generator', () => {
  it('makes a 400 ms 1 kHz beep at 8 kHz by default', () => {
    const b = beep();
    expect(b.length).toBe(3200);
    // 1 kHz for 0.4 s crosses zero about 800 times.
    expect(Math.abs(zeroCrossings(b) - 800)).toBeLessThanOrEqual(2);
    const peak = b.reduce((m, s) => Math.max(m, Math.abs(s)), 0);
    expect(peak).toBeGreaterThan(0.39 * 32767);
    expect(peak).toBeLessThanOrEqual(0.4 * 32767 + 1);
  });

  it('fades in and out so it starts and ends at silence', () => {
    const t = generateTone({ frequencyHz: 440, durationMs: 100, fadeMs: 10 });
    expect(t[0]).toBe(0);
    expect(Math.abs(t[t.length - 1] ?? 1)).toBeLessThan(200);
    const peakOf = (a: Int16Array): number => a.reduce((m, x) => Math.max(m, Math.abs(x)), 0);
    // The first 2.5 ms are still in the raised-cosine ramp (< 15 % gain); the middle is at full level.
    expect(peakOf(t.subarray(0, 20))).toBeLessThan(0.15 * 0.4 * 32767);
    expect(peakOf(t.subarray(300, 500))).toBeGreaterThan(0.39 * 32767);
  });

  it('makes silence of the asked length', () => {
    expect(silence(20).length).toBe(160);
    expect(silence(20).every((s) => s === 0)).toBe(true);
  });
});

describe('RtpPortAllocator (RFC 3550 §11)', () => {
  it('hands out even RTP ports with RTCP on the next odd one', () => {
    const a = new RtpPortAllocator({ min: 20000, max: 20005 });
    expect(a.capacity).toBe(3);
    expect([a.allocate(), a.allocate(), a.allocate()]).toEqual([
      { rtp: 20000, rtcp: 20001 },
      { rtp: 20002, rtcp: 20003 },
      { rtp: 20004, rtcp: 20005 },
    ]);
    expect(a.inUse).toBe(3);
  });

  it('throws a typed error when exhausted, and reuses released pairs', () => {
    const a = new RtpPortAllocator({ min: 20000, max: 20003 });
    a.allocate();
    a.allocate();
    expect(() => a.allocate()).toThrow(PortAllocationError);
    try {
      a.allocate();
    } catch (err) {
      expect((err as PortAllocationError).code).toBe('PORT_RANGE_EXHAUSTED');
    }
    a.release(20000);
    expect(a.allocate()).toEqual({ rtp: 20000, rtcp: 20001 });
  });

  it('reuses a just-released pair last (round robin)', () => {
    const a = new RtpPortAllocator({ min: 20000, max: 20005 });
    const first = a.allocate();
    a.release(first.rtp);
    expect(a.allocate().rtp).toBe(20002);
    expect(a.allocate().rtp).toBe(20004);
    expect(a.allocate().rtp).toBe(20000);
  });

  it('rejects bad ranges and unknown releases', () => {
    expect(() => new RtpPortAllocator({ min: 20001, max: 20010 })).toThrow(PortAllocationError);
    expect(() => new RtpPortAllocator({ min: 20000, max: 20000 })).toThrow(PortAllocationError);
    expect(() => new RtpPortAllocator({ min: 80, max: 100 })).toThrow(PortAllocationError);
    expect(() => new RtpPortAllocator({ min: 65534, max: 65536 })).toThrow(PortAllocationError);
    const a = new RtpPortAllocator({ min: 20000, max: 20001 });
    expect(() => a.release(20000)).toThrow(PortAllocationError);
  });
});
