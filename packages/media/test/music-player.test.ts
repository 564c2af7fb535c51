import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FakeClock } from './support/fake-clock.js';
import type { Clock, TimerHandle } from '../src/clock.js';
import { MusicPlayer } from '../src/music/music-player.js';
import { MusicPlaylist } from '../src/music/music-playlist.js';
import { musicTrackFromWav } from '../src/music/music-track.js';
import { composeDefaultMusic, defaultMusicPath } from '../src/music/default-music.js';
import { generateTone } from '../src/audio/tone.js';
import { toneAmplitude } from '../src/audio/goertzel.js';
import { g711Decode, g711Encode } from '../src/codec/g711.js';
import { pcm16Bytes, readWav, writeWav } from '../src/wav/wav-file.js';
import { MediaError, WavError } from '../src/errors.js';

const FRAME = 160;

const constant = (value: number, length: number): Int16Array => new Int16Array(length).fill(value);

function frames(playlist: MusicPlaylist, count: number): Int16Array[] {
  return Array.from({ length: count }, () => {
    const f = new Int16Array(FRAME);
    playlist.fill(f);
    return f;
  });
}

/** A clock whose timers fire only when the test says, at the time the test sets (a busy event loop). */
class LateClock implements Clock {
  time = 0;
  private pending: Array<{ at: number; fn: () => void; cancelled: boolean }> = [];
  now(): number {
    return this.time;
  }
  schedule(ms: number, fn: () => void): TimerHandle {
    const t = { at: this.time + ms, fn, cancelled: false };
    this.pending.push(t);
    return { cancel: () => (t.cancelled = true) };
  }
  /** Jumps to `time` and fires what was due by then, once (timers they schedule wait for the next call). */
  fireAt(time: number): void {
    this.time = time;
    const due = this.pending.filter((t) => t.at <= time && !t.cancelled);
    this.pending = this.pending.filter((t) => !due.includes(t));
    for (const t of due) t.fn();
  }
  get nextDue(): number | undefined {
    return this.pending.find((t) => !t.cancelled)?.at;
  }
}

describe('music tracks', () => {
  it('reads 16 kHz PCM and resamples it to 8 kHz, keeping the tone', () => {
    const tone = generateTone({ frequencyHz: 1000, durationMs: 500, sampleRate: 16000, fadeMs: 0 });
    const track = musicTrackFromWav(
      writeWav({ encoding: 'pcm16', sampleRate: 16000, data: pcm16Bytes(tone) }),
    );
    expect(track.length).toBe(4000);
    expect(toneAmplitude(track.subarray(400, 3600), 1000, 8000)).toBeGreaterThan(0.3);
    expect(toneAmplitude(track.subarray(400, 3600), 2000, 8000)).toBeLessThan(0.01);
  });

  it('reads 8 kHz µ-law and A-law as they are', () => {
    const tone = generateTone({ frequencyHz: 440, durationMs: 100 });
    for (const [encoding, law] of [
      ['mulaw', 'pcmu'],
      ['alaw', 'pcma'],
    ] as const) {
      const track = musicTrackFromWav(writeWav({ encoding, sampleRate: 8000, data: g711Encode(law, tone) }));
      expect(track).toEqual(g711Decode(law, g711Encode(law, tone)));
    }
  });

  it('rejects a file it cannot read with a WavError', () => {
    expect(() => musicTrackFromWav(new TextEncoder().encode('not a wav file at all'))).toThrow(WavError);
  });
});

describe('MusicPlaylist', () => {
  it('runs frames across track ends and loops back to the first track', () => {
    const playlist = new MusicPlaylist([constant(1, 100), constant(2, 300)]);
    const [a, b, c] = frames(playlist, 3);
    expect([...(a ?? [])]).toEqual([...constant(1, 100), ...constant(2, 60)]);
    expect([...(b ?? [])]).toEqual([...constant(2, 160)]);
    // 400 samples in the loop: frame 3 holds the last 80 of track 2, then track 1 again.
    expect([...(c ?? [])]).toEqual([...constant(2, 80), ...constant(1, 80)]);
    expect(playlist.currentTrack).toBe(0);
  });

  it('loops a track shorter than a frame and skips empty tracks', () => {
    const playlist = new MusicPlaylist([constant(7, 50), new Int16Array(0)]);
    const [f] = frames(playlist, 1);
    expect([...(f ?? [])]).toEqual([...constant(7, 160)]);
  });

  it('refuses a playlist without audio', () => {
    expect(() => new MusicPlaylist([new Int16Array(0)])).toThrow(MediaError);
  });

  it('shuffles each round into a permutation that does not repeat the track just played', () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 48271) % 2147483647;
      return seed / 2147483647;
    };
    const tracks = [0, 1, 2, 3].map((v) => constant(v, FRAME));
    const playlist = new MusicPlaylist(tracks, { shuffle: true, random });
    const played = frames(playlist, 4 * 50).map((f) => f[0] ?? -1);
    for (let round = 0; round < 50; round++)
      expect([...played.slice(round * 4, round * 4 + 4)].sort()).toEqual([0, 1, 2, 3]);
    for (let i = 1; i < played.length; i++) expect(played[i]).not.toBe(played[i - 1]);
    // Not simply the given order every time.
    expect(played.slice(0, 40).join()).not.toBe(Array.from({ length: 10 }, () => '0,1,2,3').join());
  });
});

describe('MusicPlayer', () => {
  it('sends one encoded frame per 20 ms of the injected clock, in the listener’s law', () => {
    const clock = new FakeClock();
    const track = generateTone({ frequencyHz: 500, durationMs: 1000, fadeMs: 0 });
    const sent: Array<{ at: number; payload: Uint8Array }> = [];
    const player = new MusicPlayer({
      clock,
      playlist: new MusicPlaylist([track]),
      law: 'pcma',
      send: (payload) => sent.push({ at: clock.now(), payload }),
    });
    player.start();
    clock.advance(19);
    expect(sent).toHaveLength(0);
    clock.advance(1981); // to t = 2000: two loops of the one-second track
    expect(sent.map((s) => s.at)).toEqual(Array.from({ length: 100 }, (_, i) => (i + 1) * 20));
    expect(sent.every((s) => s.payload.length === FRAME)).toBe(true);
    const heard = g711Decode('pcma', Buffer.concat(sent.map((s) => s.payload)));
    expect([...heard.subarray(0, 8000)]).toEqual([...g711Decode('pcma', g711Encode('pcma', track))]);
    expect([...heard.subarray(8000)]).toEqual([...heard.subarray(0, 8000)]);
    expect(player.framesSent).toBe(100);
  });

  it('stops sending on stop() and resumes the music where it stopped', () => {
    const clock = new FakeClock();
    const ramp = Int16Array.from({ length: 8000 }, (_, i) => i * 4);
    const sent: Int16Array[] = [];
    const player = new MusicPlayer({
      clock,
      playlist: new MusicPlaylist([ramp]),
      law: 'pcmu',
      send: (p) => sent.push(g711Decode('pcmu', p)),
    });
    player.start();
    clock.advance(100);
    player.stop();
    expect(player.playing).toBe(false);
    clock.advance(1000);
    expect(sent).toHaveLength(5);
    player.start();
    clock.advance(20);
    expect(sent).toHaveLength(6);
    const expected = g711Decode('pcmu', g711Encode('pcmu', ramp.subarray(5 * FRAME, 6 * FRAME)));
    expect([...(sent[5] ?? [])]).toEqual([...expected]);
  });

  it('does not burst after a late timer: one frame, then back on the 20 ms grid', () => {
    const clock = new LateClock();
    let count = 0;
    const player = new MusicPlayer({
      clock,
      playlist: new MusicPlaylist([constant(100, 1600)]),
      law: 'pcmu',
      send: () => count++,
    });
    player.start();
    expect(clock.nextDue).toBe(20);
    clock.fireAt(20);
    expect(clock.nextDue).toBe(40);
    clock.fireAt(95); // the event loop was busy for 55 ms
    expect(count).toBe(2);
    expect(clock.nextDue).toBe(100); // no catch-up burst at 60 and 80
    clock.fireAt(100);
    expect(count).toBe(3);
    expect(clock.nextDue).toBe(120);
  });
});

describe('the shipped default music', () => {
  it('is the composed tune as 8 kHz µ-law, 6.4 s long, loud enough and unclipped', () => {
    const bytes = readFileSync(defaultMusicPath());
    const wav = readWav(bytes);
    expect(wav).toMatchObject({ encoding: 'mulaw', sampleRate: 8000 });
    const composed = composeDefaultMusic();
    expect(composed.length).toBe(51200);
    const track = musicTrackFromWav(bytes);
    expect([...track]).toEqual([...g711Decode('pcmu', g711Encode('pcmu', composed))]);
    const peak = composed.reduce((m, v) => Math.max(m, Math.abs(v)), 0);
    expect(peak).toBeGreaterThan(8000);
    expect(peak).toBeLessThan(32000);
  });
});
