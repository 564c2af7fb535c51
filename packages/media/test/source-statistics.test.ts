import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { SourceStatistics } from '../src/rtp/source-statistics.js';
import { extendSequence, sequenceDelta } from '../src/rtp/sequence-number.js';

function feed(stats: SourceStatistics, seqs: number[]): (number | string)[] {
  return seqs.map((s) => {
    const v = stats.update(s & 0xffff);
    return v.accepted ? v.extendedSequence : v.reason;
  });
}

describe('sequence arithmetic', () => {
  it('measures signed distance across the wrap', () => {
    expect(sequenceDelta(65535, 0)).toBe(1);
    expect(sequenceDelta(0, 65535)).toBe(-1);
    expect(sequenceDelta(100, 50)).toBe(-50);
  });

  it('extends to the value nearest the reference', () => {
    expect(extendSequence(2, 65535)).toBe(65538);
    expect(extendSequence(65534, 65536 + 3)).toBe(65534);
    expect(extendSequence(7, 7)).toBe(7);
  });
});

describe('source validation and sequence tracking (RFC 3550 §A.1)', () => {
  it('keeps a new source on probation for MIN_SEQUENTIAL packets', () => {
    const s = new SourceStatistics(1, 1000);
    expect(feed(s, [1000])).toEqual(['probation']);
    expect(s.valid).toBe(false);
    expect(feed(s, [1001, 1002])).toEqual([1001, 1002]);
    expect(s.valid).toBe(true);
    // §A.1: init_seq() at the end of probation makes the second packet the base.
    expect(s.expected).toBe(2);
    expect(s.received).toBe(2);
  });

  it('restarts probation when the first packets are not in sequence', () => {
    const s = new SourceStatistics(1, 10);
    expect(feed(s, [10, 12, 13])).toEqual(['probation', 'probation', 13]);
  });

  it('accepts the first packet when MIN_SEQUENTIAL is 1', () => {
    const s = new SourceStatistics(1, 5, { minSequential: 1 });
    expect(feed(s, [5, 6])).toEqual([5, 6]);
  });

  it('counts sequence number wraps into the extended highest sequence number', () => {
    const s = new SourceStatistics(1, 65533, { minSequential: 1 });
    expect(feed(s, [65533, 65534, 65535, 0, 1])).toEqual([65533, 65534, 65535, 65536, 65537]);
    expect(s.extendedMax).toBe(65537);
    expect(s.expected).toBe(5);
    expect(s.cumulativeLost).toBe(0);
  });

  it('places a packet reordered across the wrap before it', () => {
    const s = new SourceStatistics(1, 65534, { minSequential: 1 });
    expect(feed(s, [65534, 0, 65535, 1])).toEqual([65534, 65536, 65535, 65537]);
    expect(s.extendedMax).toBe(65537);
  });

  it('drops a huge jump once, and restarts when the sender continues from it', () => {
    const s = new SourceStatistics(1, 100, { minSequential: 1 });
    expect(feed(s, [100, 101, 20000])).toEqual([100, 101, 'bad-sequence']);
    expect(feed(s, [20001])).toEqual([20001]);
    expect(s.expected).toBe(1);
    expect(s.received).toBe(1);
  });

  it('treats a small backward step as reordering, not a restart', () => {
    const s = new SourceStatistics(1, 500, { minSequential: 1 });
    expect(feed(s, [500, 501, 502, 450])).toEqual([500, 501, 502, 450]);
    expect(s.extendedMax).toBe(502);
  });
});

describe('loss accounting (RFC 3550 §A.3)', () => {
  it('reports cumulative loss and the fraction lost per interval', () => {
    const s = new SourceStatistics(7, 1, { minSequential: 1 });
    // 1..100 with 10 missing: 90 received of 100 expected.
    for (let q = 1; q <= 100; q++) if (q % 10 !== 5) s.update(q);
    const first = s.takeReportBlock(0);
    expect(first.ssrc).toBe(7);
    expect(first.cumulativeLost).toBe(10);
    expect(first.extendedHighestSequence).toBe(100);
    expect(first.fractionLost).toBe(Math.floor((10 * 256) / 100)); // 25
    // Next interval: 101..150 with 25 lost -> fraction 128/256.
    for (let q = 101; q <= 150; q++) if (q % 2 === 0) s.update(q);
    const second = s.takeReportBlock(0);
    expect(second.cumulativeLost).toBe(35);
    expect(second.fractionLost).toBe(128);
    // Nothing new: fraction 0, cumulative unchanged.
    expect(s.takeReportBlock(0)).toMatchObject({ fractionLost: 0, cumulativeLost: 35 });
  });

  it('lets duplicates drive cumulative loss negative but the fraction stays 0', () => {
    const s = new SourceStatistics(7, 1, { minSequential: 1 });
    for (const q of [1, 2, 3, 3, 3]) s.update(q);
    const rb = s.takeReportBlock(0);
    expect(rb.cumulativeLost).toBe(-2);
    expect(rb.fractionLost).toBe(0);
  });

  it('fills LSR and DLSR from the last sender report (§6.4.1)', () => {
    const s = new SourceStatistics(7, 1, { minSequential: 1 });
    s.update(1);
    expect(s.takeReportBlock(0)).toMatchObject({ lastSenderReport: 0, delaySinceLastSenderReport: 0 });
    s.recordSenderReport(0x12345678, 1000);
    // 1.5 s later: 1.5 * 65536 = 98304.
    expect(s.takeReportBlock(2500)).toMatchObject({
      lastSenderReport: 0x12345678,
      delaySinceLastSenderReport: 98304,
    });
  });
});

describe('interarrival jitter (RFC 3550 §A.8)', () => {
  it('stays 0 when packets arrive exactly on their timestamps', () => {
    const s = new SourceStatistics(1, 0);
    for (let i = 0; i < 50; i++) s.recordArrival(1000 + 160 * i, 20 * i);
    expect(s.jitter).toBe(0);
  });

  it('moves by |D - J| / 16 per packet', () => {
    const s = new SourceStatistics(1, 0);
    s.recordArrival(0, 0);
    s.recordArrival(160, 40); // arrives 20 ms (160 units) late: D = 160, J = 160 / 16
    expect(s.jitter).toBe(10);
    s.recordArrival(320, 40); // D = 160 again: J = 10 + (160 - 10) / 16 = 19.375
    expect(s.jitter).toBe(19);
  });

  it('converges to the mean deviation for alternating delay (property)', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 50 }), (delayMs) => {
        const s = new SourceStatistics(1, 0);
        for (let i = 0; i < 400; i++) s.recordArrival(160 * i, 20 * i + (i % 2 === 0 ? 0 : delayMs));
        // |D| is always delayMs * 8 units, so J tends to it from below.
        expect(s.jitter).toBeLessThanOrEqual(delayMs * 8);
        expect(s.jitter).toBeGreaterThanOrEqual(delayMs * 8 - 1);
      }),
    );
  });

  it('handles timestamps wrapping past 2^32', () => {
    const s = new SourceStatistics(1, 0);
    for (let i = 0; i < 10; i++) s.recordArrival((0xffffff00 + 160 * i) >>> 0, 20 * i);
    expect(s.jitter).toBe(0);
  });
});
