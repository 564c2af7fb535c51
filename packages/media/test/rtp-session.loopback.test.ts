import { afterEach, describe, expect, it } from 'vitest';
import { createSocket, type Socket } from 'node:dgram';
import { RtpSession, type RtpSessionOptions } from '../src/net/rtp-session.js';
import { RtpPortAllocator } from '../src/net/rtp-port-allocator.js';
import { encodeRtpPacket, type RtpPacket } from '../src/rtp/rtp-packet.js';
import type { RtcpPacket } from '../src/rtcp/rtcp-packet.js';
import type { DtmfDigitEvent } from '../src/dtmf/dtmf-receiver.js';
import { ulawDecode, ulawEncode } from '../src/codec/g711-ulaw.js';
import { generateTone } from '../src/audio/tone.js';
import { readWav, wavDurationMs, wavSamples, writeWav } from '../src/wav/wav-file.js';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeClock } from './support/fake-clock.js';
import { collect, rawSocket, testAllocator } from './support/loopback.js';

const open: RtpSession[] = [];
const sockets: Socket[] = [];

async function session(
  options: Partial<RtpSessionOptions> & Pick<RtpSessionOptions, 'clock'>,
): Promise<RtpSession> {
  const s = await RtpSession.open({ allocator: testAllocator(), payloadType: 0, ...options });
  open.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(open.splice(0).map((s) => s.close()));
  for (const s of sockets.splice(0)) s.close();
});

/** Advances the shared clock one frame at a time and waits until the receiver has every packet sent in that frame. */
async function pump(clock: FakeClock, from: RtpSession, to: RtpSession, frames: number): Promise<void> {
  for (let i = 0; i < frames; i++) {
    const before = from.stats.sent;
    clock.advance(20);
    await collect(to, 'packet', from.stats.sent - before);
  }
}

describe('RtpSession over loopback UDP', () => {
  it('carries G.711 audio and DTMF between two sessions; the receiver rebuilds the WAV', async () => {
    const clock = new FakeClock();
    const caller = await session({ clock, minSequential: 1, rtcpIntervalMs: 1000, random: () => 0.5 });
    // The voicemail side knows no address yet: it learns it from the first packet (symmetric RTP).
    const voicemail = await session({ clock, minSequential: 1, rtcpIntervalMs: 1000, random: () => 0.5 });
    caller.setRemote({ address: '127.0.0.1', port: voicemail.ports.rtp });

    const audio: RtpPacket[] = [];
    const digits: DtmfDigitEvent[] = [];
    const latched = collect<[{ address: string; port: number }]>(voicemail, 'latched', 1);
    voicemail.on('audio', (p) => audio.push(p));
    voicemail.on('digit', (d) => digits.push(d));

    const spoken = ulawEncode(generateTone({ frequencyHz: 440, durationMs: 200, amplitude: 0.5 }));
    const played = caller.play(spoken);
    const five = caller.sendDigit({ digit: '5', durationMs: 100 });
    const hash = caller.sendDigit({ digit: '#', durationMs: 60 });
    // 10 audio frames + 7 packets for '5' + 5 for '#'.
    await pump(clock, caller, voicemail, 22);
    await expect(Promise.all([played, five, hash])).resolves.toEqual([true, true, true]);

    expect((await latched)[0]?.[0]).toEqual({ address: '127.0.0.1', port: caller.ports.rtp });
    expect(voicemail.remote).toEqual({ address: '127.0.0.1', port: caller.ports.rtp });
    expect(digits.map((d) => [d.digit, d.duration, d.endSeen])).toEqual([
      ['5', 800, true],
      ['#', 480, true],
    ]);
    expect(audio).toHaveLength(10);
    expect(audio.map((p) => p.marker)).toEqual([true, ...Array<boolean>(9).fill(false)]);
    expect(audio.every((p) => p.ssrc === caller.ssrc && p.payloadType === 0)).toBe(true);

    // What the voicemail stores: the received payloads as a µ-law WAV file on disk.
    const recorded = new Uint8Array(audio.reduce((n, p) => n + p.payload.length, 0));
    audio.reduce((o, p) => (recorded.set(p.payload, o), o + p.payload.length), 0);
    const dir = await mkdtemp(join(tmpdir(), 'media-loopback-'));
    const file = join(dir, 'message.wav');
    await writeFile(file, writeWav({ encoding: 'mulaw', sampleRate: 8000, data: recorded }));
    const wav = readWav(await readFile(file));
    await rm(dir, { recursive: true, force: true });
    expect(wavDurationMs(wav)).toBe(200);
    expect(wav.data.length).toBe(1600);
    expect([...wavSamples(wav)]).toEqual([...ulawDecode(spoken)]);

    // Symmetric RTP: the voicemail's prompt goes back to where the caller's packets came from.
    const heard: RtpPacket[] = [];
    caller.on('audio', (p) => heard.push(p));
    void voicemail.play(new Uint8Array(320).fill(0xff));
    await pump(clock, voicemail, caller, 2);
    expect(heard.map((p) => p.ssrc)).toEqual([voicemail.ssrc, voicemail.ssrc]);

    // RTCP: both report at t = 1000 ms; the voicemail's report block describes the caller's stream.
    const callerGotRtcp = collect<[RtcpPacket[]]>(caller, 'rtcp', 1);
    const voicemailGotRtcp = collect<[RtcpPacket[]]>(voicemail, 'rtcp', 1);
    clock.advance(1000 - clock.now());
    const [[fromCaller]] = (await voicemailGotRtcp) as [[RtcpPacket[]]];
    const [[fromVoicemail]] = (await callerGotRtcp) as [[RtcpPacket[]]];
    expect(fromCaller[0]).toMatchObject({
      type: 'sr',
      ssrc: caller.ssrc,
      sender: { packetCount: 22, octetCount: 1600 + 12 * 4 },
    });
    expect(fromCaller[1]).toMatchObject({ type: 'sdes' });
    expect(fromVoicemail[0]).toMatchObject({ type: 'sr', ssrc: voicemail.ssrc });
    const block = fromVoicemail[0]?.type === 'sr' ? fromVoicemail[0].reports[0] : undefined;
    expect(block).toMatchObject({
      ssrc: caller.ssrc,
      fractionLost: 0,
      cumulativeLost: 0,
      lastSenderReport: 0,
    });
    expect(voicemail.sourceStatistics?.received).toBe(22);

    // Closing sends RTCP BYE, which the other side reports.
    const bye = collect<[string | undefined]>(caller, 'bye', 1);
    await voicemail.close('message recorded');
    expect((await bye)[0]?.[0]).toBe('message recorded');
  });

  it('drops the first packet while the source is on probation (RFC 3550 §A.1 default)', async () => {
    const clock = new FakeClock();
    const rx = await session({ clock });
    const tx = await rawSocket();
    sockets.push(tx);
    const audio = collect<[RtpPacket]>(rx, 'audio', 2);
    for (const seq of [100, 101, 102]) {
      await tx.sendTo(
        encodeRtpPacket({
          payloadType: 0,
          sequenceNumber: seq,
          timestamp: seq * 160,
          ssrc: 9,
          payload: new Uint8Array(160),
        }),
        rx.ports.rtp,
      );
    }
    expect((await audio).map(([p]) => p.sequenceNumber)).toEqual([101, 102]);
    expect(rx.stats.unvalidated).toBe(1);
  });

  it('reorders packets through the jitter buffer and ignores garbage', async () => {
    const clock = new FakeClock();
    const rx = await session({ clock, minSequential: 1 });
    const tx = await rawSocket();
    sockets.push(tx);
    const audio = collect<[RtpPacket]>(rx, 'audio', 4);
    const pkt = (seq: number) =>
      encodeRtpPacket({
        payloadType: 0,
        sequenceNumber: seq,
        timestamp: seq * 160,
        ssrc: 9,
        payload: Uint8Array.of(seq),
      });
    await tx.sendTo(pkt(1), rx.ports.rtp);
    await tx.sendTo(Uint8Array.from([1, 2, 3]), rx.ports.rtp);
    await tx.sendTo(pkt(3), rx.ports.rtp);
    await tx.sendTo(pkt(2), rx.ports.rtp);
    await tx.sendTo(pkt(2), rx.ports.rtp);
    await tx.sendTo(pkt(4), rx.ports.rtp);
    expect((await audio).map(([p]) => p.payload[0])).toEqual([1, 2, 3, 4]);
    expect(rx.stats.invalid).toBe(1);
    expect(rx.stats.jitterBuffer.duplicate + rx.stats.jitterBuffer.late).toBe(1);
  });

  it('after latching, ignores packets from any other address', async () => {
    const clock = new FakeClock();
    const rx = await session({ clock, minSequential: 1 });
    const [good, intruder] = [await rawSocket(), await rawSocket()];
    sockets.push(good, intruder);
    const pkt = (seq: number, ssrc: number) =>
      encodeRtpPacket({
        payloadType: 0,
        sequenceNumber: seq,
        timestamp: seq * 160,
        ssrc,
        payload: new Uint8Array(160),
      });
    const first = collect<[RtpPacket]>(rx, 'packet', 1);
    await good.sendTo(pkt(1, 1), rx.ports.rtp);
    await first;
    const next = collect<[RtpPacket, { port: number }]>(rx, 'packet', 1);
    await intruder.sendTo(pkt(2, 666), rx.ports.rtp);
    await good.sendTo(pkt(2, 1), rx.ports.rtp);
    const [[p, from]] = (await next) as [[RtpPacket, { port: number }]];
    expect(p.ssrc).toBe(1);
    expect(from.port).toBe(good.address().port);
    expect(rx.stats.foreign).toBe(1);
    expect(rx.remote?.port).toBe(good.address().port);
  });

  it('latches again after setRemote (new SDP moved the media)', async () => {
    const clock = new FakeClock();
    const rx = await session({ clock, minSequential: 1 });
    const [oldPeer, newPeer] = [await rawSocket(), await rawSocket()];
    sockets.push(oldPeer, newPeer);
    const pkt = (seq: number) =>
      encodeRtpPacket({
        payloadType: 0,
        sequenceNumber: seq,
        timestamp: seq * 160,
        ssrc: 1,
        payload: new Uint8Array(160),
      });
    const first = collect(rx, 'latched', 1);
    await oldPeer.sendTo(pkt(1), rx.ports.rtp);
    await first;
    rx.setRemote({ address: '127.0.0.1', port: newPeer.address().port });
    const relatched = collect<[{ port: number }]>(rx, 'latched', 1);
    await newPeer.sendTo(pkt(2), rx.ports.rtp);
    expect((await relatched)[0]?.[0].port).toBe(newPeer.address().port);
    expect(rx.stats.foreign).toBe(0);
  });

  it('emits timeout when media stops, on the injected clock, and again after it resumes and stops', async () => {
    const clock = new FakeClock();
    const rx = await session({ clock, minSequential: 1, mediaTimeoutMs: 1000 });
    const timeouts: number[] = [];
    rx.on('timeout', (ms) => timeouts.push(ms));
    clock.advance(999);
    expect(timeouts).toEqual([]);
    clock.advance(1);
    expect(timeouts).toEqual([1000]);
    clock.advance(5000);
    expect(timeouts).toEqual([1000]);

    const tx = await rawSocket();
    sockets.push(tx);
    const got = collect(rx, 'packet', 1);
    await tx.sendTo(
      encodeRtpPacket({
        payloadType: 0,
        sequenceNumber: 1,
        timestamp: 0,
        ssrc: 5,
        payload: new Uint8Array(160),
      }),
      rx.ports.rtp,
    );
    await got;
    clock.advance(999);
    expect(timeouts).toEqual([1000]);
    clock.advance(1);
    expect(timeouts).toEqual([1000, 1000]);
  });

  it('skips a port pair that is busy on the host and returns its pair on close', async () => {
    const base = 30000 + 2 * Math.floor(Math.random() * 10000);
    const allocator = new RtpPortAllocator({ min: base, max: base + 9 });
    // Something else on the host holds the first RTP port of the range.
    const busy = createSocket('udp4');
    await new Promise<void>((resolve) => busy.bind(base, '127.0.0.1', () => resolve()));
    sockets.push(busy);
    const s = await RtpSession.open({ clock: new FakeClock(), allocator, payloadType: 0 });
    expect(s.ports).toEqual({ rtp: base + 2, rtcp: base + 3 });
    expect(allocator.inUse).toBe(1);
    await s.close();
    expect(allocator.inUse).toBe(0);
  });
});
