import { describe, expect, it } from 'vitest';
import { FakeClock } from './support/fake-clock.js';
import { ConferenceMixer } from '../src/conference/conference-mixer.js';
import { ConferenceKeypad } from '../src/conference/conference-keypad.js';
import { ParticipantJitterBuffer } from '../src/conference/participant-jitter-buffer.js';
import { saturate16 } from '../src/conference/saturating-mix.js';
import { conferenceJoinTone, conferenceLeaveTone } from '../src/conference/conference-tones.js';
import { g711Decode, g711Encode, type G711Law } from '../src/codec/g711.js';
import { generateTone } from '../src/audio/tone.js';
import { toneAmplitude } from '../src/audio/goertzel.js';
import { ConferenceError } from '../src/errors.js';

const FRAME = 160;

/** One participant driven by the test: a tone source (or silence) and everything the mixer sent it. */
class Talker {
  readonly received: Int16Array[] = [];
  private position = 0;
  constructor(
    readonly id: string,
    readonly law: G711Law,
    private readonly source: Int16Array | undefined,
  ) {}

  send = (payload: Uint8Array): void => {
    expect(payload.length).toBe(FRAME);
    this.received.push(g711Decode(this.law, payload));
  };

  /** The next 20 ms the phone sends, G.711-encoded (undefined: this phone sends no RTP). */
  nextPayload(): Uint8Array | undefined {
    if (!this.source) return undefined;
    const frame = this.source.subarray(this.position, this.position + FRAME);
    this.position += FRAME;
    return g711Encode(this.law, frame);
  }

  /** What it heard from frame `from` (inclusive) to `to` (exclusive), as one block. */
  heard(from: number, to = this.received.length): Int16Array {
    const out = new Int16Array((to - from) * FRAME);
    for (let i = from; i < to; i++) out.set(this.received[i] ?? new Int16Array(FRAME), (i - from) * FRAME);
    return out;
  }
}

function tone(frequencyHz: number, amplitude = 0.25): Int16Array {
  return generateTone({ frequencyHz, amplitude, durationMs: 5000, fadeMs: 0 });
}

/** Runs `frames` ticks: every phone sends its frame, then 20 ms pass. */
function run(clock: FakeClock, mixer: ConferenceMixer, talkers: readonly Talker[], frames: number): void {
  for (let i = 0; i < frames; i++) {
    for (const t of talkers) {
      const payload = t.nextPayload();
      if (payload && mixer.has(t.id)) mixer.receive(t.id, payload);
    }
    clock.advance(20);
  }
}

function join(mixer: ConferenceMixer, t: Talker, announce = false): void {
  mixer.join(t.id, { law: t.law, send: t.send, announce });
}

const F = { a: 440, b: 1000, c: 1800 } as const;
const HEARD = 0.15; // a 0.25 tone comes through at about 0.25
const NOT_HEARD = 0.01;

describe('ConferenceMixer', () => {
  it('sends each of three participants the other two frequencies and not its own (Goertzel)', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    const a = new Talker('a', 'pcmu', tone(F.a));
    const b = new Talker('b', 'pcma', tone(F.b));
    const c = new Talker('c', 'pcmu', tone(F.c));
    for (const t of [a, b, c]) join(mixer, t);
    run(clock, mixer, [a, b, c], 50);

    for (const [t, own, others] of [
      [a, F.a, [F.b, F.c]],
      [b, F.b, [F.a, F.c]],
      [c, F.c, [F.a, F.b]],
    ] as const) {
      expect(t.received).toHaveLength(50); // one frame per tick, from the first tick on
      const steady = t.heard(5);
      for (const f of others) expect(toneAmplitude(steady, f)).toBeGreaterThan(HEARD);
      expect(toneAmplitude(steady, own)).toBeLessThan(NOT_HEARD);
    }
    expect(mixer.stats.ticks).toBe(50);
  });

  it('sums normal levels exactly (within G.711 quantisation) and saturates loud ones instead of wrapping', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    const a = new Talker('a', 'pcmu', tone(F.a, 0.3));
    const b = new Talker('b', 'pcmu', tone(F.b, 0.3));
    const c = new Talker('c', 'pcmu', undefined);
    for (const t of [a, b, c]) join(mixer, t);
    run(clock, mixer, [a, b, c], 30);
    // c hears a + b: peaks near 0.6 of full scale, no clipping, each sample the sum of what was sent.
    const sentA = g711Decode('pcmu', g711Encode('pcmu', tone(F.a, 0.3).subarray(0, 30 * FRAME)));
    const sentB = g711Decode('pcmu', g711Encode('pcmu', tone(F.b, 0.3).subarray(0, 30 * FRAME)));
    const heard = c.heard(0);
    const lag = FRAME; // playout starts once two frames are held: frame 0 goes out on the second tick
    let peak = 0;
    for (let i = lag; i < heard.length; i++) {
      const expected = (sentA[i - lag] ?? 0) + (sentB[i - lag] ?? 0);
      const got = heard[i] ?? 0;
      expect(Math.abs(got - expected)).toBeLessThanOrEqual(Math.abs(expected) / 16 + 16);
      peak = Math.max(peak, Math.abs(got));
    }
    expect(peak).toBeGreaterThan(0.5 * 32768);
    expect(peak).toBeLessThan(0.65 * 32768);

    // Two talkers at +0.9 full scale DC: 1.8 saturates at the top, never wraps to negative.
    const loud = new ConferenceMixer({ clock });
    const l1 = new Talker('l1', 'pcmu', new Int16Array(FRAME * 10).fill(29500));
    const l2 = new Talker('l2', 'pcmu', new Int16Array(FRAME * 10).fill(29500));
    const listener = new Talker('l3', 'pcmu', undefined);
    for (const t of [l1, l2, listener]) join(loud, t);
    run(clock, loud, [l1, l2, listener], 10);
    const sat = listener.heard(2);
    expect(Math.min(...sat)).toBeGreaterThanOrEqual(32000);
    expect(saturate16(40000)).toBe(32767);
    expect(saturate16(-40000)).toBe(-32768);
    loud.close();
    mixer.close();
  });

  it('lets a late joiner hear the room at once and be heard after its playout buffer; others hear the join tone', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    const a = new Talker('a', 'pcmu', tone(F.a));
    const b = new Talker('b', 'pcmu', tone(F.b));
    const c = new Talker('c', 'pcma', tone(F.c));
    join(mixer, a);
    join(mixer, b);
    run(clock, mixer, [a, b], 20);
    expect(toneAmplitude(a.heard(5, 20), F.c)).toBeLessThan(NOT_HEARD);

    join(mixer, c, true);
    run(clock, mixer, [a, b, c], 40);
    expect(c.received).toHaveLength(40);
    // The very first frames c gets already carry a and b.
    expect(toneAmplitude(c.heard(0, 3), F.a)).toBeGreaterThan(HEARD);
    expect(toneAmplitude(c.heard(0, 3), F.b)).toBeGreaterThan(HEARD);
    expect(toneAmplitude(c.heard(0, 40), 600)).toBeLessThan(NOT_HEARD); // the joiner does not hear its own chime
    // a hears the join chime (600 Hz then 900 Hz, 120 ms each) in the frames right after the join.
    expect(toneAmplitude(a.heard(20, 26), 600)).toBeGreaterThan(0.1);
    expect(toneAmplitude(a.heard(26, 32), 900)).toBeGreaterThan(0.1);
    expect(toneAmplitude(a.heard(35, 60), F.c)).toBeGreaterThan(HEARD);
    expect(toneAmplitude(b.heard(35, 60), F.c)).toBeGreaterThan(HEARD);

    // c leaves: the others hear the falling chime, then no more of c.
    expect(mixer.leave('c')).toBe(true);
    run(clock, mixer, [a, b], 30);
    expect(toneAmplitude(a.heard(60, 66), 900)).toBeGreaterThan(0.1);
    expect(toneAmplitude(a.heard(70, 90), F.c)).toBeLessThan(NOT_HEARD);
    mixer.close();
  });

  it('keeps mixing around a participant that sends nothing, who still hears everyone', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    const a = new Talker('a', 'pcmu', tone(F.a));
    const b = new Talker('b', 'pcmu', tone(F.b));
    const silent = new Talker('s', 'pcmu', undefined);
    for (const t of [a, b, silent]) join(mixer, t);
    run(clock, mixer, [a, b, silent], 40);
    expect(toneAmplitude(silent.heard(5), F.a)).toBeGreaterThan(HEARD);
    expect(toneAmplitude(silent.heard(5), F.b)).toBeGreaterThan(HEARD);
    expect(toneAmplitude(a.heard(5), F.b)).toBeGreaterThan(HEARD);
    // What a hears is b alone: nothing else is mixed in from the silent one.
    expect(toneAmplitude(a.heard(5), F.a)).toBeLessThan(NOT_HEARD);
    expect(mixer.jitterStats('s').played).toBe(0);
    mixer.close();
  });

  it('mutes and unmutes: a muted participant is not heard but still hears the room', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    const a = new Talker('a', 'pcmu', tone(F.a));
    const b = new Talker('b', 'pcmu', tone(F.b));
    const c = new Talker('c', 'pcmu', tone(F.c));
    for (const t of [a, b, c]) join(mixer, t);
    run(clock, mixer, [a, b, c], 10);
    expect(mixer.toggleMute('b')).toBe(true);
    run(clock, mixer, [a, b, c], 30);
    expect(toneAmplitude(a.heard(10), F.b)).toBeLessThan(NOT_HEARD);
    expect(toneAmplitude(c.heard(10), F.b)).toBeLessThan(NOT_HEARD);
    expect(toneAmplitude(b.heard(10), F.a)).toBeGreaterThan(HEARD);
    expect(toneAmplitude(b.heard(10), F.c)).toBeGreaterThan(HEARD);
    mixer.setMuted('b', false);
    expect(mixer.isMuted('b')).toBe(false);
    run(clock, mixer, [a, b, c], 20);
    expect(toneAmplitude(a.heard(40), F.b)).toBeGreaterThan(HEARD);
    mixer.close();
  });

  it('holds 32 participants, refuses a 33rd and duplicates, and stops ticking when the room empties', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    for (let i = 0; i < 32; i++) mixer.join(`p${i}`, { law: 'pcmu', send: () => undefined });
    expect(() => mixer.join('p32', { law: 'pcmu', send: () => undefined })).toThrow(
      expect.objectContaining({ code: 'CONFERENCE_FULL' }),
    );
    expect(() => mixer.join('p0', { law: 'pcmu', send: () => undefined })).toThrow(ConferenceError);
    expect(() => mixer.receive('nobody', new Uint8Array(160))).toThrow(
      expect.objectContaining({ code: 'CONFERENCE_UNKNOWN_PARTICIPANT' }),
    );
    expect(() => new ConferenceMixer({ clock, maxParticipants: 33 })).toThrow(
      expect.objectContaining({ code: 'CONFERENCE_BAD_OPTION' }),
    );
    clock.advance(100);
    expect(mixer.stats.ticks).toBe(5);
    for (let i = 0; i < 32; i++) mixer.leave(`p${i}`);
    expect(mixer.leave('p0')).toBe(false);
    expect(clock.pending()).toBe(0);
    const small = new ConferenceMixer({ clock, maxParticipants: 2 });
    small.join('x', { law: 'pcmu', send: () => undefined });
    small.join('y', { law: 'pcmu', send: () => undefined });
    expect(() => small.join('z', { law: 'pcmu', send: () => undefined })).toThrow(/full/);
    small.close();
  });

  it('ticks at start + n·20 ms without drifting when timers fire late', () => {
    const clock = new FakeClock();
    const mixer = new ConferenceMixer({ clock });
    const times: number[] = [];
    mixer.join('a', { law: 'pcmu', send: () => times.push(clock.now()) });
    clock.advance(7);
    clock.advance(200);
    expect(times).toEqual([20, 40, 60, 80, 100, 120, 140, 160, 180, 200]);
    mixer.close();
  });

  it('join and leave tones are distinct rising and falling chimes', () => {
    const join = conferenceJoinTone();
    const leave = conferenceLeaveTone();
    expect(toneAmplitude(join.subarray(0, 960), 600)).toBeGreaterThan(0.15);
    expect(toneAmplitude(join.subarray(960), 900)).toBeGreaterThan(0.15);
    expect(toneAmplitude(leave.subarray(0, 960), 900)).toBeGreaterThan(0.15);
    expect(toneAmplitude(leave.subarray(960), 600)).toBeGreaterThan(0.15);
  });
});

describe('ParticipantJitterBuffer', () => {
  it('primes, plays whole frames, re-primes after an underrun and bounds its delay', () => {
    const jb = new ParticipantJitterBuffer({ frameSamples: 4, prebufferFrames: 2, maxFrames: 3 });
    const out = new Int16Array(4);
    jb.push(Int16Array.from([1, 2, 3, 4, 5, 6])); // 6 of the 8 needed to start
    expect(jb.takeInto(out)).toBe(false);
    jb.push(Int16Array.from([7, 8]));
    expect(jb.takeInto(out)).toBe(true);
    expect([...out]).toEqual([1, 2, 3, 4]);
    expect(jb.takeInto(out)).toBe(true);
    expect([...out]).toEqual([5, 6, 7, 8]);
    expect(jb.takeInto(out)).toBe(false);
    expect(jb.stats.underruns).toBe(1);
    // 30-sample burst into a 12-sample buffer: only the newest 12 stay.
    jb.push(Int16Array.from({ length: 30 }, (_, i) => i));
    expect(jb.depth).toBe(12);
    expect(jb.stats.droppedSamples).toBe(18);
    expect(jb.takeInto(out)).toBe(true);
    expect([...out]).toEqual([18, 19, 20, 21]);
    jb.clear();
    expect(jb.depth).toBe(0);
    expect(jb.takeInto(out)).toBe(false);
  });

  it('turns 30 ms packets into 20 ms frames without losing samples', () => {
    const jb = new ParticipantJitterBuffer();
    const out = new Int16Array(160);
    let next = 0;
    let taken = 0;
    for (let p = 0; p < 20; p++) {
      jb.push(Int16Array.from({ length: 240 }, () => next++ % 30000));
      while (jb.takeInto(out)) {
        expect(out[0]).toBe((taken * 160) % 30000);
        taken++;
        if (jb.depth < 160) break;
      }
    }
    expect(taken).toBe(30);
  });
});

describe('ConferenceKeypad', () => {
  it('maps *6 to mute toggle and *# to leave; other keys do nothing', () => {
    const pad = new ConferenceKeypad();
    const press = (keys: string): (string | undefined)[] => [...keys].map((k) => pad.press(k));
    expect(press('*6')).toEqual([undefined, 'toggle-mute']);
    expect(press('*#')).toEqual([undefined, 'leave']);
    expect(press('6#1')).toEqual([undefined, undefined, undefined]);
    expect(press('*16')).toEqual([undefined, undefined, undefined]);
    expect(press('**6')).toEqual([undefined, undefined, 'toggle-mute']);
  });
});
