import { describe, expect, it } from 'vitest';
import { ulawEncode } from '../src/codec/g711-ulaw.js';
import { alawEncode } from '../src/codec/g711-alaw.js';
import { generateTone } from '../src/audio/tone.js';
import { toneAmplitude } from '../src/audio/goertzel.js';
import { PcapError, WavError } from '../src/errors.js';
import { encodeRtpPacket } from '../src/rtp/rtp-packet.js';
import { encodeRtcpCompound } from '../src/rtcp/rtcp-packet.js';
import { readPcapDatagrams } from '../src/recording/pcap-reader.js';
import { decodeRecordedCall } from '../src/recording/recorded-call-audio.js';
import { readPcm16TracksWav, writePcm16TracksWav } from '../src/wav/pcm16-tracks.js';
import { writePcap, type PcapPacket } from './support/pcap-writer.js';

const CALLER: [string, number] = ['127.0.0.2', 40000];
const CALLEE: [string, number] = ['127.0.0.3', 40002];
// rtpengine's ports facing each party: where each party's RTP arrives.
const TO_CALLER_SIDE: [string, number] = ['127.0.0.1', 30000];
const TO_CALLEE_SIDE: [string, number] = ['127.0.0.1', 30010];

interface StreamSpec {
  readonly from: [string, number];
  readonly to: [string, number];
  readonly hz: number;
  readonly law: 0 | 8;
  readonly ssrc: number;
  readonly firstTimestamp: number;
  readonly startMs: number;
  readonly packets: number;
  /** Capture time jitter per packet (ms), e.g. [0, 7, -3]. */
  readonly jitter?: readonly number[];
}

const T0 = 1_800_000_000_000;

function stream(s: StreamSpec): PcapPacket[] {
  const pcm = generateTone({ frequencyHz: s.hz, durationMs: s.packets * 20, amplitude: 0.5, fadeMs: 0 });
  return Array.from({ length: s.packets }, (_, i) => {
    const samples = pcm.subarray(i * 160, (i + 1) * 160);
    const payload = s.law === 0 ? ulawEncode(samples) : alawEncode(samples);
    return {
      timeMs: T0 + s.startMs + i * 20 + (s.jitter?.[i % s.jitter.length] ?? 0),
      src: s.from,
      dst: s.to,
      payload: encodeRtpPacket({
        payloadType: s.law,
        sequenceNumber: i & 0xffff,
        timestamp: (s.firstTimestamp + i * 160) >>> 0,
        ssrc: s.ssrc,
        payload,
      }),
    };
  });
}

function channelOfPort(d: { destination: { port: number } }): number | undefined {
  return d.destination.port === TO_CALLER_SIDE[1]
    ? 0
    : d.destination.port === TO_CALLEE_SIDE[1]
      ? 1
      : undefined;
}

function window(track: Int16Array, fromMs: number, toMs: number): Int16Array {
  return track.subarray((fromMs * 8) | 0, (toMs * 8) | 0);
}

describe('decodeRecordedCall', () => {
  it('puts each party on its own channel, G.711 µ-law and A-law, RTCP and events skipped', () => {
    const packets = [
      ...stream({
        from: CALLER,
        to: TO_CALLER_SIDE,
        hz: 600,
        law: 0,
        ssrc: 1,
        firstTimestamp: 1000,
        startMs: 0,
        packets: 50,
        jitter: [0, 6, -4, 2],
      }),
      ...stream({
        from: CALLEE,
        to: TO_CALLEE_SIDE,
        hz: 1400,
        law: 8,
        ssrc: 2,
        firstTimestamp: 0xffffff00,
        startMs: 500,
        packets: 50,
      }),
      {
        timeMs: T0 + 100,
        src: CALLER,
        dst: [TO_CALLER_SIDE[0], TO_CALLER_SIDE[1] + 1] as [string, number],
        payload: encodeRtcpCompound([{ type: 'rr', ssrc: 1, reports: [] }]),
      },
      {
        timeMs: T0 + 120,
        src: CALLER,
        dst: TO_CALLER_SIDE,
        payload: encodeRtpPacket({
          payloadType: 101,
          sequenceNumber: 9,
          timestamp: 5,
          ssrc: 1,
          payload: new Uint8Array(4),
        }),
      },
    ].sort((a, b) => a.timeMs - b.timeMs);
    const audio = decodeRecordedCall(readPcapDatagrams(writePcap(packets)), {
      channelCount: 2,
      channelOf: channelOfPort,
    });
    expect(audio.startedAtMs).toBe(T0);
    expect(audio.packets).toEqual([50, 50]);
    expect(audio.skipped).toBe(1); // the telephone-event; RTCP is not counted as audio at all
    const [caller, callee] = audio.channels as [Int16Array, Int16Array];
    expect(caller.length).toBe(callee.length);
    expect(caller.length).toBe(1500 * 8); // the callee's last packet ends at 1.5 s
    // Caller: 600 Hz for its first second, nothing of the callee's tone; callee from 0.5 s on.
    expect(toneAmplitude(window(caller, 100, 900), 600)).toBeGreaterThan(0.3);
    expect(toneAmplitude(window(caller, 100, 900), 1400)).toBeLessThan(0.02);
    expect(toneAmplitude(window(callee, 600, 1400), 1400)).toBeGreaterThan(0.3);
    expect(toneAmplitude(window(callee, 600, 1400), 600)).toBeLessThan(0.02);
    expect(toneAmplitude(window(callee, 0, 490), 1400)).toBeLessThan(0.01); // silence before it spoke
    // RTP timestamps place the audio, not the jittered capture times: the tone stays clean.
    expect(toneAmplitude(window(caller, 0, 1000), 600)).toBeGreaterThan(0.45);
  });

  it('re-anchors a new SSRC and a timestamp jump at their capture time', () => {
    const packets = [
      ...stream({
        from: CALLER,
        to: TO_CALLER_SIDE,
        hz: 600,
        law: 0,
        ssrc: 1,
        firstTimestamp: 0,
        startMs: 0,
        packets: 25,
      }),
      // After a 500 ms gap (hold), a new SSRC with unrelated timestamps.
      ...stream({
        from: CALLER,
        to: TO_CALLER_SIDE,
        hz: 900,
        law: 0,
        ssrc: 7,
        firstTimestamp: 123_456,
        startMs: 1000,
        packets: 25,
      }),
      // The same SSRC jumps its timestamp by an hour's worth: placed by capture time instead.
      ...stream({
        from: CALLER,
        to: TO_CALLER_SIDE,
        hz: 1200,
        law: 0,
        ssrc: 7,
        firstTimestamp: 123_456 + 8000 * 3600,
        startMs: 2000,
        packets: 25,
      }),
    ];
    const audio = decodeRecordedCall(readPcapDatagrams(writePcap(packets)), {
      channelCount: 2,
      channelOf: channelOfPort,
    });
    const [caller, callee] = audio.channels as [Int16Array, Int16Array];
    expect(caller.length).toBe(2500 * 8);
    expect(toneAmplitude(window(caller, 0, 500), 600)).toBeGreaterThan(0.4);
    expect(toneAmplitude(window(caller, 520, 980), 600)).toBe(0); // the held gap is silence
    expect(toneAmplitude(window(caller, 1000, 1500), 900)).toBeGreaterThan(0.4);
    expect(toneAmplitude(window(caller, 2000, 2500), 1200)).toBeGreaterThan(0.4);
    expect(callee.every((s) => s === 0)).toBe(true);
  });

  it('caps the length and counts what it left out', () => {
    const packets = stream({
      from: CALLER,
      to: TO_CALLER_SIDE,
      hz: 600,
      law: 0,
      ssrc: 1,
      firstTimestamp: 0,
      startMs: 0,
      packets: 100,
    });
    const audio = decodeRecordedCall(readPcapDatagrams(writePcap(packets)), {
      channelCount: 2,
      channelOf: channelOfPort,
      maxSeconds: 1,
    });
    expect(audio.channels[0]?.length).toBe(8000);
    expect(audio.packets[0]).toBe(50);
    expect(audio.skipped).toBe(50);
  });

  it('gives empty channels for a capture without audio', () => {
    const audio = decodeRecordedCall(readPcapDatagrams(writePcap([])), {
      channelCount: 2,
      channelOf: channelOfPort,
    });
    expect(audio.startedAtMs).toBeUndefined();
    expect(audio.channels.map((c) => c.length)).toEqual([0, 0]);
  });
});

describe('readPcapDatagrams', () => {
  const one = stream({
    from: CALLER,
    to: TO_CALLER_SIDE,
    hz: 600,
    law: 0,
    ssrc: 1,
    firstTimestamp: 0,
    startMs: 0,
    packets: 3,
  });

  it('reads addresses, ports, times and payloads; a file cut inside its last record ends before it', () => {
    const file = writePcap(one);
    const all = [...readPcapDatagrams(file)];
    expect(all).toHaveLength(3);
    expect(all[1]).toMatchObject({
      timeMs: T0 + 20,
      source: { address: '127.0.0.2', port: 40000 },
      destination: { address: '127.0.0.1', port: 30000 },
    });
    expect(all[1]?.payload.length).toBe(12 + 160);
    expect([...readPcapDatagrams(file.subarray(0, file.length - 10))]).toHaveLength(2);
  });

  it('refuses what is not a pcap with a PcapError', () => {
    expect(() => [...readPcapDatagrams(new Uint8Array(10))]).toThrow(PcapError);
    expect(() => [...readPcapDatagrams(new Uint8Array(24).fill(7))]).toThrow(/not a pcap file/);
    expect(() => [...readPcapDatagrams(writePcap(one, 9999))]).toThrow(/link type 9999/);
  });
});

describe('writePcm16TracksWav / readPcm16TracksWav', () => {
  it('round-trips two interleaved channels and refuses bad input', () => {
    const left = Int16Array.from([1, -2, 3, 32767]);
    const right = Int16Array.from([-32768, 5, 0, 9]);
    const wav = writePcm16TracksWav({ sampleRate: 8000, tracks: [left, right] });
    expect(Buffer.from(wav.subarray(22, 24)).readUInt16LE(0)).toBe(2);
    const back = readPcm16TracksWav(wav);
    expect(back.sampleRate).toBe(8000);
    expect(back.tracks).toEqual([left, right]);
    expect(() => writePcm16TracksWav({ sampleRate: 8000, tracks: [left, new Int16Array(3)] })).toThrow(
      WavError,
    );
    expect(() => readPcm16TracksWav(new Uint8Array(8))).toThrow(WavError);
  });
});

describe('toneAmplitude', () => {
  it('measures a tone as a fraction of full scale and ignores other frequencies', () => {
    const tone = generateTone({ frequencyHz: 1000, durationMs: 200, amplitude: 0.5, fadeMs: 0 });
    expect(toneAmplitude(tone, 1000)).toBeCloseTo(0.5, 2);
    expect(toneAmplitude(tone, 1600)).toBeLessThan(0.01);
    expect(toneAmplitude(new Int16Array(0), 1000)).toBe(0);
  });
});
