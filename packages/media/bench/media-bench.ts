// Throughput of the media hot paths: G.711 (table-driven) and RTP/RTCP parsing.
// Each case runs for ~300 ms, 5 times; the median rate is printed. Baselines are the plain G.711
// formula per sample (what the tables replace) and bare DataView header reads (the floor for a parser).
import { ulawEncode, ulawDecode } from '../src/codec/g711-ulaw.js';
import { alawEncode, alawDecode } from '../src/codec/g711-alaw.js';
import { decodeRtpPacket, encodeRtpPacket } from '../src/rtp/rtp-packet.js';
import { decodeRtcpCompound, encodeRtcpCompound } from '../src/rtcp/rtcp-packet.js';
import { generateTone } from '../src/audio/tone.js';
import { ConferenceMixer } from '../src/conference/conference-mixer.js';
import { g711Decode, g711Encode } from '../src/codec/g711.js';
import type { Clock } from '../src/clock.js';

let sink = 0;

function rate(fn: () => number, runs = 5, ms = 300): number {
  const results: number[] = [];
  for (let r = 0; r < runs; r++) {
    let units = 0;
    const start = performance.now();
    let now = start;
    while (now - start < ms) {
      for (let i = 0; i < 50; i++) units += fn();
      now = performance.now();
    }
    results.push((units * 1000) / (now - start));
  }
  results.sort((a, b) => a - b);
  return results[Math.floor(results.length / 2)] ?? 0;
}

// The G.711 µ-law formula without tables (as in the recommendation), for the baseline.
function ulawFormula(sample: number): number {
  let s = sample;
  let sign = 0;
  if (s < 0) {
    s = -s;
    sign = 0x80;
  }
  if (s > 32635) s = 32635;
  s += 0x84;
  let exponent = 7;
  for (let mask = 0x4000; (s & mask) === 0 && exponent > 0; mask >>= 1) exponent--;
  return ~(sign | (exponent << 4) | ((s >> (exponent + 3)) & 0x0f)) & 0xff;
}

function ulawDecodeFormula(code: number): number {
  const u = ~code & 0xff;
  const exponent = (u >> 4) & 7;
  const m = ((((u & 0x0f) << 3) + 0x84) << exponent) - 0x84;
  return u & 0x80 ? -m : m;
}

const frame = generateTone({ frequencyHz: 440, durationMs: 20, amplitude: 0.6 }); // 160 samples
const ulawFrame = ulawEncode(frame);
const alawFrame = alawEncode(frame);
const outBytes = new Uint8Array(160);
const outPcm = new Int16Array(160);

const packet = encodeRtpPacket({
  payloadType: 0,
  sequenceNumber: 1234,
  timestamp: 5678,
  ssrc: 0x11223344,
  payload: ulawFrame,
});
const rtcp = encodeRtcpCompound([
  {
    type: 'sr',
    ssrc: 1,
    sender: { ntpSeconds: 1, ntpFraction: 2, rtpTimestamp: 3, packetCount: 4, octetCount: 5 },
    reports: [
      {
        ssrc: 2,
        fractionLost: 0,
        cumulativeLost: 0,
        extendedHighestSequence: 9,
        jitter: 1,
        lastSenderReport: 0,
        delaySinceLastSenderReport: 0,
      },
    ],
  },
  { type: 'sdes', chunks: [{ ssrc: 1, items: [{ type: 1, value: 'switchboard-bench' }] }] },
]);

// A room of 32 talkers: one mixer tick (decode 32 frames, mix-minus, encode 32 frames) against the
// naive mix where each listener sums the other 31 frames itself (O(n²) additions per tick).
const ROOM = 32;
const roomFrames = Array.from({ length: ROOM }, (_, i) =>
  ulawEncode(generateTone({ frequencyHz: 300 + 50 * i, durationMs: 20, amplitude: 0.05, fadeMs: 0 })),
);
let due: (() => void) | undefined;
const manualClock: Clock = {
  now: () => 0,
  schedule: (_ms, fn) => {
    due = fn;
    return { cancel: () => (due = undefined) };
  },
};
const mixer = new ConferenceMixer({ clock: manualClock, jitterBuffer: { prebufferFrames: 1 } });
for (let i = 0; i < ROOM; i++)
  mixer.join(`p${i}`, { law: 'pcmu', send: (payload) => (sink ^= payload[3] ?? 0) });

function naiveRoomTick(): void {
  const decoded = roomFrames.map((f) => g711Decode('pcmu', f));
  const out = new Int16Array(160);
  for (let listener = 0; listener < ROOM; listener++) {
    for (let s = 0; s < 160; s++) {
      let sum = 0;
      for (let talker = 0; talker < ROOM; talker++) if (talker !== listener) sum += decoded[talker]?.[s] ?? 0;
      out[s] = Math.max(-32768, Math.min(32767, sum));
    }
    sink ^= g711Encode('pcmu', out)[3] ?? 0;
  }
}

interface Row {
  name: string;
  unit: string;
  ours: number;
  baselineName: string;
  baseline: number;
}

const rows: Row[] = [
  {
    name: 'µ-law encode',
    unit: 'samples/s',
    ours: rate(() => (ulawEncode(frame, outBytes), (sink ^= outBytes[7] ?? 0), 160)),
    baselineName: 'formula per sample',
    baseline: rate(() => {
      for (let i = 0; i < 160; i++) outBytes[i] = ulawFormula(frame[i] ?? 0);
      sink ^= outBytes[7] ?? 0;
      return 160;
    }),
  },
  {
    name: 'µ-law decode',
    unit: 'samples/s',
    ours: rate(() => (ulawDecode(ulawFrame, outPcm), (sink ^= outPcm[7] ?? 0), 160)),
    baselineName: 'formula per sample',
    baseline: rate(() => {
      for (let i = 0; i < 160; i++) outPcm[i] = ulawDecodeFormula(ulawFrame[i] ?? 0);
      sink ^= outPcm[7] ?? 0;
      return 160;
    }),
  },
  {
    name: 'A-law encode',
    unit: 'samples/s',
    ours: rate(() => (alawEncode(frame, outBytes), (sink ^= outBytes[7] ?? 0), 160)),
    baselineName: 'µ-law formula',
    baseline: rate(() => {
      for (let i = 0; i < 160; i++) outBytes[i] = ulawFormula(frame[i] ?? 0);
      return 160;
    }),
  },
  {
    name: 'A-law decode',
    unit: 'samples/s',
    ours: rate(() => (alawDecode(alawFrame, outPcm), (sink ^= outPcm[7] ?? 0), 160)),
    baselineName: 'µ-law formula',
    baseline: rate(() => {
      for (let i = 0; i < 160; i++) outPcm[i] = ulawDecodeFormula(alawFrame[i] ?? 0);
      return 160;
    }),
  },
  {
    name: 'RTP decode (validated)',
    unit: 'packets/s',
    ours: rate(() => {
      const p = decodeRtpPacket(packet);
      sink ^= p.sequenceNumber ^ p.payload.length;
      return 1;
    }),
    baselineName: 'bare DataView fields',
    baseline: rate(() => {
      const v = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
      sink ^=
        v.getUint16(2) ^
        v.getUint32(4) ^
        v.getUint32(8) ^
        (v.getUint8(1) & 0x7f) ^
        packet.subarray(12).length;
      return 1;
    }),
  },
  {
    name: 'RTP encode (160-byte payload)',
    unit: 'packets/s',
    ours: rate(() => {
      const b = encodeRtpPacket({
        payloadType: 0,
        sequenceNumber: 1,
        timestamp: 2,
        ssrc: 3,
        payload: ulawFrame,
      });
      sink ^= b.length;
      return 1;
    }),
    baselineName: 'alloc + copy only',
    baseline: rate(() => {
      const b = new Uint8Array(172);
      b.set(ulawFrame, 12);
      sink ^= b.length;
      return 1;
    }),
  },
  {
    name: 'RTCP SR+SDES decode',
    unit: 'packets/s',
    ours: rate(() => {
      sink ^= decodeRtcpCompound(rtcp).length;
      return 1;
    }),
    baselineName: 'RTP decode',
    baseline: rate(() => {
      sink ^= decodeRtpPacket(packet).ssrc;
      return 1;
    }),
  },
  {
    name: 'conference tick, 32 in room',
    unit: 'ticks/s',
    ours: rate(() => {
      for (let i = 0; i < ROOM; i++) mixer.receive(`p${i}`, roomFrames[i] ?? new Uint8Array(160));
      due?.();
      return 1;
    }),
    baselineName: 'naive per-listener sum',
    baseline: rate(() => {
      naiveRoomTick();
      return 1;
    }),
  },
];

const fmt = (n: number): string => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} M` : `${(n / 1e3).toFixed(1)} k`);
console.log(`node ${process.version}, median of 5 x 300 ms per case\n`);
console.log(
  [
    'case'.padEnd(30),
    'ours'.padStart(16),
    'baseline'.padEnd(22).padStart(24),
    'rate'.padStart(14),
    'ratio'.padStart(7),
  ].join(' '),
);
for (const r of rows) {
  console.log(
    [
      r.name.padEnd(30),
      `${fmt(r.ours)}${r.unit}`.padStart(16),
      ` ${r.baselineName}`.padEnd(24),
      `${fmt(r.baseline)}${r.unit}`.padStart(14),
      `${(r.ours / r.baseline).toFixed(2)}x`.padStart(7),
    ].join(' '),
  );
}
// 8 kHz audio needs 8000 samples/s per call direction: print the headroom of one core.
const decode = rows[1]?.ours ?? 0;
console.log(`\nµ-law decode alone could serve ${(decode / 8000).toFixed(0)} call directions per core.`);
const tick = rows.find((r) => r.name.startsWith('conference'))?.ours ?? 0;
console.log(`a 32-party room needs 50 ticks/s: one core mixes ${(tick / 50).toFixed(0)} such rooms.`);
if (sink === 0.5) console.log(sink);
